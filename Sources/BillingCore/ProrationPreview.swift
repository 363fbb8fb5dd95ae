/// What changing a subscription's price or quantity in the middle of a period costs, computed
/// as Stripe does: a credit for the unused time of the current price and a charge for the
/// remaining time at the new one, both to the second, each line rounded once to the cent
/// (half away from zero).
public struct ProrationPreview: Sendable, Hashable {
    /// Negative: the unused part of what was paid.
    public var credit: Money
    /// The remaining part of the new price.
    public var charge: Money
    /// Credit plus charge: what the change adds to the next invoice (negative: a credit).
    public var net: Money
    /// Seconds from the change to the period's end.
    public var remainingSeconds: Int64
    /// The period's length in seconds.
    var periodSeconds: Int64
}
