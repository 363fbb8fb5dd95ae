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
