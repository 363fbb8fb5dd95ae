/// One plan of the catalog.
public struct Plan: Sendable, Hashable {
    /// Which of the three plans it is.
    public var tier: PlanTier
    /// The name shown to people (`Team`).
    public var name: String
    /// The monthly price.
    public var monthlyPrice: Money
    /// Days of free trial a new subscription gets.
    package var trialDays: Int
    /// What the plan includes.
    public var limits: PlanLimits
    /// What usage past the limits costs.
    public var overage: OveragePrices
    /// Feature flags, e.g. `api_access`, `sso`, `saml`, `sla`.
    package var features: Set<String>
    /// `email`, `chat`, `phone`, `dedicated`.
    package var support: [String]
    /// The Stripe price a plan change to this plan switches to (monthly).
    public var stripePriceID: String?

    /// A plan as the catalog file describes it.
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
