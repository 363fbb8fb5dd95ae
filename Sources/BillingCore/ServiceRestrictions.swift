/// What `degraded` and `suspended` allow.
public struct ServiceRestrictions: Sendable, Hashable {
    /// What degraded service allows.
    public var degraded: ServiceRestriction
    /// What suspended service allows.
    public var suspended: ServiceRestriction

    /// The suggested defaults: degraded is read-only with no AI requests; suspended, no access.
    public static let standard = ServiceRestrictions(degraded: ServiceRestriction(access: .readOnly, aiRequests: false),
                                                     suspended: ServiceRestriction(access: .none, aiRequests: false))

    /// Restrictions for both states.
    public init(degraded: ServiceRestriction, suspended: ServiceRestriction) {
        self.degraded = degraded
        self.suspended = suspended
    }
}
