/// Which plan a Stripe price is: price metadata `plan_tier`, else product metadata
/// `plan_slug`, else the configured price-id map. A price none of them names is an error the
/// operator must see, never a guess.
public struct PriceTierResolver: Sendable, Hashable {
    public var priceMap: [String: PlanTier]

    public init(priceMap: [String: PlanTier] = [:]) {
        self.priceMap = priceMap
    }

    public func tier(priceID: String, priceMetadata: [String: String], productMetadata: [String: String]) -> Result<PlanTier, UnknownPrice> {
        if let name = priceMetadata["plan_tier"] {
            guard let tier = PlanTier(rawValue: name.lowercased()) else {
                return .failure(UnknownPrice(priceID: priceID, reason: "price metadata plan_tier '\(name)' is not a plan"))
            }
            return .success(tier)
        }
        if let slug = productMetadata["plan_slug"] {
            guard let tier = PlanTier(rawValue: slug.lowercased()) else {
                return .failure(UnknownPrice(priceID: priceID, reason: "product metadata plan_slug '\(slug)' is not a plan"))
            }
            return .success(tier)
        }
        if let tier = priceMap[priceID] { return .success(tier) }
        return .failure(UnknownPrice(priceID: priceID, reason: "no plan_tier or plan_slug metadata, and not in the configured price map"))
    }
}

public struct UnknownPrice: Error, Sendable, Hashable, CustomStringConvertible {
    public var priceID: String
    public var reason: String
    public var description: String { "price \(priceID) maps to no plan: \(reason)" }
}

/// The tenant's service state, set by dunning.
public enum ServiceState: String, Sendable, Hashable, CaseIterable, Codable {
    case normal, degraded, suspended
}

/// How much of the product a tenant may use.
public enum AccessLevel: String, Sendable, Hashable, Codable, Comparable {
    case none
    case readOnly = "read_only"
    case full

    static let order: [AccessLevel] = [.none, .readOnly, .full]
    public static func < (lhs: Self, rhs: Self) -> Bool { order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)! }
}

/// What a restricted service state allows (configured in `config/plans.yaml`).
public struct ServiceRestriction: Sendable, Hashable {
    public var access: AccessLevel
    public var aiRequests: Bool

    public init(access: AccessLevel, aiRequests: Bool) {
        self.access = access
        self.aiRequests = aiRequests
    }
}

/// What a tenant may use now.
public struct Entitlements: Sendable, Hashable {
    public var tier: PlanTier?
    public var access: AccessLevel
    public var limits: PlanLimits?
    public var features: Set<String>
    public var aiRequests: Bool
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

/// What `degraded` and `suspended` allow.
public struct ServiceRestrictions: Sendable, Hashable {
    public var degraded: ServiceRestriction
    public var suspended: ServiceRestriction

    /// The suggested defaults: degraded is read-only with no AI requests; suspended, no access.
    public static let standard = ServiceRestrictions(degraded: ServiceRestriction(access: .readOnly, aiRequests: false),
                                                     suspended: ServiceRestriction(access: .none, aiRequests: false))

    public init(degraded: ServiceRestriction, suspended: ServiceRestriction) {
        self.degraded = degraded
        self.suspended = suspended
    }
}
