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
