/// Every plan, by tier, with how prices map to plans and what restricted service allows.
public struct PlanCatalog: Sendable, Hashable {
    /// Every tier's plan.
    let plans: [PlanTier: Plan]
    /// How a Stripe price maps to a plan.
    public let prices: PriceTierResolver
    /// What degraded and suspended service allow.
    public let restrictions: ServiceRestrictions

    /// Fails unless every tier has exactly one plan.
    public init(_ plans: [Plan], prices: PriceTierResolver = PriceTierResolver(),
                restrictions: ServiceRestrictions = .standard) throws(PlanCatalogError) {
        self.prices = prices
        self.restrictions = restrictions
        var byTier: [PlanTier: Plan] = [:]
        for plan in plans {
            guard byTier[plan.tier] == nil else { throw .duplicateTier(tier: plan.tier) }
            byTier[plan.tier] = plan
        }
        if let missing = PlanTier.allCases.first(where: { byTier[$0] == nil }) { throw .missingTier(tier: missing) }
        self.plans = byTier
    }

    /// The tier's plan (every tier has one).
    public subscript(tier: PlanTier) -> Plan { plans[tier]! }
}
