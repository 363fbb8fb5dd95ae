/// Which plan a Stripe price is: price metadata `plan_tier`, else product metadata
/// `plan_slug`, else the configured price-id map. A price none of them names is an error the
/// operator must see, never a guess.
public struct PriceTierResolver: Sendable, Hashable {
    /// The configured map from Stripe price id (`price_…`) to plan, for prices without metadata.
    package var priceMap: [String: PlanTier]

    /// A resolver with the configured price map (empty: metadata only).
    public init(priceMap: [String: PlanTier] = [:]) {
        self.priceMap = priceMap
    }

    /// The plan `priceID` stands for, from its price's and product's metadata or the price map; the failure says why
    /// none of them names a plan.
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
