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

    /// Where an event of `metric` that occurred at `occurredAt` goes, given its tenant's current `period` (nil: no live
    /// subscription) and the time `now`; all unix seconds.
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
