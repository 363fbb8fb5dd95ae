public enum PlanCatalogError: Error, Equatable, CustomStringConvertible {
    case duplicateTier(tier: PlanTier)
    case missingTier(tier: PlanTier)

    public var description: String {
        switch self {
        case .duplicateTier(let tier): "the plan \(tier.rawValue) is defined twice"
        case .missingTier(let tier): "the plan \(tier.rawValue) is missing"
        }
    }
}
