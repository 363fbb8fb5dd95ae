/// The SaaS's three plans.
public enum PlanTier: String, Sendable, Hashable, CaseIterable, Codable {
    case developer, team, enterprise
}

/// A limit that is either a number or explicitly unlimited (never a magic large number).
public enum Limit: Sendable, Hashable {
    case limited(Int64)
    case unlimited

    /// Whether `usage` is within the limit.
    public func allows(_ usage: Int64) -> Bool {
        switch self {
        case .limited(let limit): usage <= limit
        case .unlimited: true
        }
    }

    /// How far `usage` goes past the limit (0 within it, and always 0 when unlimited).
    public func overage(of usage: Int64) -> Int64 {
        switch self {
        case .limited(let limit): max(0, usage - limit)
        case .unlimited: 0
        }
    }
}

/// What a plan includes.
public struct PlanLimits: Sendable, Hashable {
    public var users: Limit
    public var projects: Limit
    /// API calls per billing period.
    public var apiCallsPerPeriod: Limit
    /// Storage in GB.
    public var storageGB: Limit
    public var aiRequestsPerDay: Limit
    public var concurrentSessions: Limit

    public init(users: Limit, projects: Limit, apiCallsPerPeriod: Limit, storageGB: Limit, aiRequestsPerDay: Limit,
                concurrentSessions: Limit) {
        self.users = users
        self.projects = projects
        self.apiCallsPerPeriod = apiCallsPerPeriod
        self.storageGB = storageGB
        self.aiRequestsPerDay = aiRequestsPerDay
        self.concurrentSessions = concurrentSessions
    }
}

/// Prices for usage past the plan's allowance; `nil` when that usage is not billed.
public struct OveragePrices: Sendable, Hashable {
    public var perAPICall: UnitPrice?
    public var perGBStorage: UnitPrice?

    public init(perAPICall: UnitPrice?, perGBStorage: UnitPrice?) {
        self.perAPICall = perAPICall
        self.perGBStorage = perGBStorage
    }
}

/// One plan of the catalog.
public struct Plan: Sendable, Hashable {
    public var tier: PlanTier
    public var name: String
    /// The monthly price.
    public var monthlyPrice: Money
    public var trialDays: Int
    public var limits: PlanLimits
    public var overage: OveragePrices
    /// Feature flags, e.g. `api_access`, `sso`, `saml`, `sla`.
    public var features: Set<String>
    /// `email`, `chat`, `phone`, `dedicated`.
    public var support: [String]
    /// The Stripe price a plan change to this plan switches to (monthly).
    public var stripePriceID: String?

    public init(tier: PlanTier, name: String, monthlyPrice: Money, trialDays: Int, limits: PlanLimits, overage: OveragePrices,
                features: Set<String>, support: [String], stripePriceID: String? = nil) {
        self.stripePriceID = stripePriceID
        self.tier = tier
        self.name = name
        self.monthlyPrice = monthlyPrice
        self.trialDays = trialDays
        self.limits = limits
        self.overage = overage
        self.features = features
        self.support = support
    }
}

/// Every plan, by tier, with how prices map to plans and what restricted service allows.
public struct PlanCatalog: Sendable, Hashable {
    public let plans: [PlanTier: Plan]
    public let prices: PriceTierResolver
    public let restrictions: ServiceRestrictions

    /// Fails unless every tier has exactly one plan.
    public init(_ plans: [Plan], prices: PriceTierResolver = PriceTierResolver(),
                restrictions: ServiceRestrictions = .standard) throws(PlanCatalogError) {
        self.prices = prices
        self.restrictions = restrictions
        var byTier: [PlanTier: Plan] = [:]
        for plan in plans {
            guard byTier[plan.tier] == nil else { throw .duplicateTier(plan.tier) }
            byTier[plan.tier] = plan
        }
        if let missing = PlanTier.allCases.first(where: { byTier[$0] == nil }) { throw .missingTier(missing) }
        self.plans = byTier
    }

    public subscript(tier: PlanTier) -> Plan { plans[tier]! }
}

public enum PlanCatalogError: Error, Equatable, CustomStringConvertible {
    case duplicateTier(PlanTier)
    case missingTier(PlanTier)

    public var description: String {
        switch self {
        case .duplicateTier(let tier): "the plan \(tier.rawValue) is defined twice"
        case .missingTier(let tier): "the plan \(tier.rawValue) is missing"
        }
    }
}
