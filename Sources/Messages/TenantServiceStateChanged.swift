/// Dunning's announcement that a tenant's service state changed (full, degraded, suspended):
/// the `data` of an ``InternalEvent`` of type ``eventType``. Nothing in the worker consumes
/// it; the platform binds its own queue to `internal.tenant.#` to enforce the state.
public struct TenantServiceStateChanged: Sendable, Equatable, Codable {
    /// `tenant.service_state_changed`.
    public static let eventType = "tenant.service_state_changed"

    /// A ``ServiceState`` raw value.
    var state: String
    /// The state before, also a ``ServiceState`` raw value.
    var previous: String
    /// Why it changed, for people.
    var reason: String

    /// The announcement that the state went from `previous` to `state` (``ServiceState`` raw values), and why.
    public init(state: String, previous: String, reason: String) {
        self.state = state
        self.previous = previous
        self.reason = reason
    }
}
