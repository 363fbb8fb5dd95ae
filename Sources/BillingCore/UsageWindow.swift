/// Where a usage event is totalled: a window that lies inside one billing period, so that
/// whatever is reported for it lands on that period's invoice.
public struct UsageWindow: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The subscription's current period (sums and levels of every metric but AI requests).
        case period
        /// One UTC day of the current period (AI requests: their allowance is per day). The day
        /// a period renews on counts in two parts, one in each period.
        case day
        /// One UTC day before the current period began (an event that arrived late), ending at
        /// the period's start at the latest.
        case late
    }

    public var kind: Kind
    public var start: Int64
    public var end: Int64

    public init(kind: Kind, start: Int64, end: Int64) {
        self.kind = kind
        self.start = start
        self.end = end
    }

    /// Whether crossing a quota threshold in this window is news: the current period's windows.
    public var alertsOnQuota: Bool { kind != .late }
}
