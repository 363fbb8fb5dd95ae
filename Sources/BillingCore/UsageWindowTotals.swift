/// One window's totals as the reporter sees them, in stored units.
public struct UsageWindowTotals: Sendable, Hashable {
    public var metric: UsageMetric
    public var window: UsageWindow
    public var sum: Int64
    public var last: Int64
    /// When the last value was reported to us.
    public var lastAt: Int64
    /// What was reported for the window so far: the sum of every report (sums), the last value
    /// reported (levels; nil before the first).
    public var reportedSum: Int64
    public var reportedLast: Int64?

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
