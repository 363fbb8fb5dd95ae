/// The SaaS's three plans.
public enum PlanTier: String, Sendable, Hashable, CaseIterable, Codable {
    case developer, team, enterprise
}
