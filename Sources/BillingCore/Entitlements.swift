

/// What a tenant may use now.
public struct Entitlements: Sendable, Hashable {
    /// The subscription's plan; nil without a subscription.
    public var tier: PlanTier?
    /// How much of the product the tenant may use now.
    public var access: AccessLevel
    /// The plan's limits while the tenant has any access; nil without access.
    public var limits: PlanLimits?
    /// The plan's feature flags with full access; empty otherwise.
    public var features: Set<String>
    /// Whether AI requests are allowed now.
    public var aiRequests: Bool
    /// Why, for people: `subscription active, service normal`, `no subscription`, …
    public var reason: String

    /// Entitlements from the plan, the subscription's status and the service state.
    ///
    /// Trialing, active and past-due subscriptions get their full plan (dunning's grace; a
    /// degraded or suspended service state then restricts it). `unpaid` (Stripe gave up
    /// retrying) is served at least as restricted as degraded. `incomplete` (never paid),
    /// `paused` (trial ended without a payment method), `canceled` and `incomplete_expired`
    /// get no access.
    public static func compute(plan: Plan?, status: SubscriptionStatus?, serviceState: ServiceState,
                               restrictions: ServiceRestrictions) -> Entitlements {
        guard let plan, let status else {
            return Entitlements(tier: nil, access: .none, limits: nil, features: [], aiRequests: false, reason: "no subscription")
        }
        switch status {
        case .trialing, .active, .pastDue, .unpaid:
            break
        case .incomplete, .paused, .canceled, .incompleteExpired:
            return Entitlements(tier: plan.tier, access: .none, limits: nil, features: [], aiRequests: false,
                                reason: "subscription \(status.rawValue)")
        }
        let effective = status == .unpaid && serviceState == .normal ? .degraded : serviceState
        let reason = "subscription \(status.rawValue), service \(effective.rawValue)"
        let restriction: ServiceRestriction
        switch effective {
        case .normal:
            return Entitlements(tier: plan.tier, access: .full, limits: plan.limits, features: plan.features, aiRequests: true, reason: reason)
        case .degraded: restriction = restrictions.degraded
        case .suspended: restriction = restrictions.suspended
        }
        return Entitlements(tier: plan.tier, access: restriction.access, limits: restriction.access == .none ? nil : plan.limits,
                            features: restriction.access == .full ? plan.features : [], aiRequests: restriction.aiRequests,
                            reason: reason)
    }
}
