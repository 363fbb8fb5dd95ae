/// A billing period as unix seconds, `[start, end)`.
public struct BillingPeriod: Sendable, Hashable {
    /// Unix seconds of the period's first second (inclusive).
    package var start: Int64
    /// Unix seconds just past the period's last second (exclusive).
    package var end: Int64

    /// A period from its two bounds in unix seconds.
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }
}
