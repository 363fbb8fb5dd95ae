/// What a restricted service state allows (configured in `config/plans.yaml`).
public struct ServiceRestriction: Sendable, Hashable {
    /// How much of the product the tenant may use in this state.
    var access: AccessLevel
    /// Whether AI requests are allowed in this state.
    var aiRequests: Bool

    /// A restriction from its access level and whether AI requests are allowed.
    public init(access: AccessLevel, aiRequests: Bool) {
        self.access = access
        self.aiRequests = aiRequests
    }
}
