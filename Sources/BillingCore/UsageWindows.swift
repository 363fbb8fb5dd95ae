/// A billing period as unix seconds, `[start, end)`.
public struct BillingPeriod: Sendable, Hashable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }
}

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

/// Where an event goes, decided from its time, its metric and its tenant's current period.
public enum UsagePlacement: Sendable, Hashable {
    case window(UsageWindow)
    /// The tenant has no live subscription, or the event is after the period known here (the
    /// renewal has not arrived yet): kept unattributed, placed by a later attribution pass.
    case unattributed
    /// Older than Stripe accepts meter events (35 days): kept and counted, never reported.
    case tooOld

    /// Stripe refuses meter events older than this.
    public static let reportableAgeSeconds: Int64 = 35 * 86_400

    public static func place(occurredAt: Int64, metric: UsageMetric, period: BillingPeriod?, now: Int64) -> UsagePlacement {
        guard let period, period.end > period.start else { return .unattributed }
        if occurredAt >= period.end { return .unattributed }
        let dayStart = UTCDay(containing: occurredAt).startSeconds
        if occurredAt >= period.start {
            guard metric == .aiRequests else { return .window(UsageWindow(kind: .period, start: period.start, end: period.end)) }
            return .window(UsageWindow(kind: .day, start: max(dayStart, period.start), end: min(dayStart + 86_400, period.end)))
        }
        guard occurredAt > now - reportableAgeSeconds else { return .tooOld }
        return .window(UsageWindow(kind: .late, start: dayStart, end: min(dayStart + 86_400, period.start)))
    }
}

/// How a metric is reported to a Stripe meter.
public struct MeterSettings: Sendable, Hashable {
    /// The meter's `event_name`.
    public var eventName: String
    public init(eventName: String) { self.eventName = eventName }
}

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

/// A meter event to send: its value, its time, and what the window has reported once it is sent.
public struct MeterReport: Sendable, Hashable {
    public var value: Int64
    public var timestamp: Int64
    public var reportedSumAfter: Int64
    public var reportedLastAfter: Int64?
}

/// What the reporter sends for a window, as a value.
public enum MeterReportPlanner {
    /// Sums report the delta since the last report, at the current time or, for a window that
    /// has ended, its last second; levels (storage, seats, sessions: a "last" meter) report the
    /// latest value when it changed, at the time it was reported to us. nil: nothing new, or
    /// the window is past what Stripe accepts.
    public static func report(for totals: UsageWindowTotals, now: Int64) -> MeterReport? {
        let window = totals.window
        guard window.end > now - UsagePlacement.reportableAgeSeconds else { return nil }
        switch totals.metric.aggregation {
        case .sum:
            let delta = totals.sum - totals.reportedSum
            guard delta > 0 else { return nil }
            let timestamp = max(window.start, min(now, window.end - 1))
            return MeterReport(value: delta, timestamp: timestamp, reportedSumAfter: totals.sum, reportedLastAfter: totals.reportedLast)
        case .gauge:
            guard totals.last != totals.reportedLast else { return nil }
            let timestamp = max(window.start, min(totals.lastAt, window.end - 1))
            return MeterReport(value: totals.last, timestamp: timestamp, reportedSumAfter: totals.reportedSum, reportedLastAfter: totals.last)
        }
    }

    /// The meter event's `identifier` (Stripe keeps them unique for at least 24 hours): one per
    /// tenant, metric, window and report number, so a resent report is recognised as the same.
    public static func identifier(tenantID: String, metric: UsageMetric, windowEnd: Int64, sequence: Int) -> String {
        let raw = "usage:\(tenantID):\(metric.rawValue):\(windowEnd):\(sequence)"
        // Stripe allows 100 characters; a long tenant id is shortened to its digest.
        guard raw.utf8.count > 100 else { return raw }
        return "usage:\(fnv1a(tenantID, basis: 0xcbf2_9ce4_8422_2325))\(fnv1a(tenantID, basis: 0x6c62_272e_07bb_0142)):\(metric.rawValue):\(windowEnd):\(sequence)"
    }

    /// 64-bit FNV-1a as 16 hex digits: stable across processes and releases, unlike `hashValue`.
    static func fnv1a(_ text: String, basis: UInt64) -> String {
        var hash = basis
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension UsageBilling {
    /// The thresholds a window's usage is at or above now (each is announced once: the store
    /// remembers which were).
    public static func thresholdsAtOrAbove(usedUnits: Int64, allowance: Limit) -> [QuotaThreshold] {
        guard case .limited(let limit) = allowance, limit > 0 else { return [] }
        return QuotaThreshold.allCases.filter { threshold in
            usedUnits.multipliedReportingOverflow(by: 100).partialValue >= limit.multipliedReportingOverflow(by: Int64(threshold.rawValue)).partialValue
        }
    }
}
