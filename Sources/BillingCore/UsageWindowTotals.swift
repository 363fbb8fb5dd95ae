/// One window's totals as the reporter sees them, in stored units.
public struct UsageWindowTotals: Sendable, Hashable {
    /// The metric totalled.
    var metric: UsageMetric
    /// The window totalled.
    var window: UsageWindow
    /// The sum of every report in the window (what sums report).
    var sum: Int64
    /// The latest value reported in the window (what levels report).
    var last: Int64
    /// When the last value was reported to us.
    var lastAt: Int64
    /// What was reported to Stripe for the window so far: the sum of every meter event sent (sums).
    var reportedSum: Int64
    /// The last value reported to Stripe for the window (levels); nil before the first.
    var reportedLast: Int64?

    /// Totals as the store keeps them.
    public init(metric: UsageMetric, window: UsageWindow, sum: Int64, last: Int64, lastAt: Int64, reportedSum: Int64, reportedLast: Int64?) {
        self.metric = metric
        self.window = window
        self.sum = sum
        self.last = last
        self.lastAt = lastAt
        self.reportedSum = reportedSum
        self.reportedLast = reportedLast
    }
}
