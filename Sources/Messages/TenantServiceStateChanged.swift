/// Dunning's announcement that a tenant's service state changed (full, degraded, suspended):
/// the `data` of an ``InternalEvent`` of type ``eventType``. Nothing in the worker consumes
/// it; the platform binds its own queue to `internal.tenant.#` to enforce the state.
public struct TenantServiceStateChanged: Sendable, Equatable, Codable {
    /// `tenant.service_state_changed`.
    public static let eventType = "tenant.service_state_changed"

    /// A ``ServiceState`` raw value.
    public var state: String
    public var previous: String
    public var reason: String

    public init(state: String, previous: String, reason: String) {
        self.state = state
        self.previous = previous
        self.reason = reason
    }
}
