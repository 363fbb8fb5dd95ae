/// Where a usage event is totalled: a window that lies inside one billing period, so that
/// whatever is reported for it lands on that period's invoice.
public struct UsageWindow: Sendable, Hashable {
    /// Which kind of window; the raw value is what the store keeps.
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

    /// The period, a day of it, or a late day before it.
    public var kind: Kind
    /// Unix seconds of the window's first second (inclusive).
    public var start: Int64
    /// Unix seconds just past the window's last second (exclusive).
    public var end: Int64

    /// A window as stored; new ones come from ``UsagePlacement/place(occurredAt:metric:period:now:)``.
    public init(kind: Kind, start: Int64, end: Int64) {
        self.kind = kind
        self.start = start
        self.end = end
    }

    /// Whether crossing a quota threshold in this window is news: the current period's windows.
    package var alertsOnQuota: Bool { kind != .late }
}
