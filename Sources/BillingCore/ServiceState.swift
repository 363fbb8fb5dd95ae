/// The tenant's service state, set by dunning.
public enum ServiceState: String, Sendable, Hashable, CaseIterable, Codable {
    case normal, degraded, suspended
}
