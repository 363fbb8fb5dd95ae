/// A Stripe price that maps to no plan, and why (``PriceTierResolver``).
public struct UnknownPrice: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stripe's price id (`price_…`).
    public var priceID: String
    /// Why no plan was found, for the operator.
    public var reason: String
    /// `price price_123 maps to no plan: …`.
    public var description: String { "price \(priceID) maps to no plan: \(reason)" }
}
