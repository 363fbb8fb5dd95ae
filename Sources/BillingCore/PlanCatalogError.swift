/// Why a list of plans is not a catalog: a tier is defined twice, or not at all.
public enum PlanCatalogError: Error, Equatable, CustomStringConvertible {
    case duplicateTier(tier: PlanTier)
    case missingTier(tier: PlanTier)

    /// What is wrong, for the operator: `the plan team is missing`.
    public var description: String {
        switch self {
        case .duplicateTier(let tier): "the plan \(tier.rawValue) is defined twice"
        case .missingTier(let tier): "the plan \(tier.rawValue) is missing"
        }
    }
}
