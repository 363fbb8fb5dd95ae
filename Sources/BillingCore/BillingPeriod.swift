/// A billing period as unix seconds, `[start, end)`.
public struct BillingPeriod: Sendable, Hashable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }
}
