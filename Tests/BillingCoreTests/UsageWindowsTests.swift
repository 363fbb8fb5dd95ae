import BillingCore
import Testing

/// Where usage is totalled, and what the reporter sends for a window.
@Suite struct UsageWindowsTests {
    // A period from 2026-11-24 16:00 UTC for 30 days.
    static let start: Int64 = 1_795_478_400 + 16 * 3_600
    static let period = BillingPeriod(start: start, end: start + 30 * 86_400)
    static let now = start + 10 * 86_400

    func place(_ at: Int64, _ metric: UsageMetric = .apiCalls, period: BillingPeriod? = period) -> UsagePlacement {
        UsagePlacement.place(occurredAt: at, metric: metric, period: period, now: Self.now)
    }

    @Test func usageInTheCurrentPeriodIsTotalledInThePeriod() {
        let window = UsageWindow(kind: .period, start: Self.period.start, end: Self.period.end)
        #expect(place(Self.start) == .window(window))
        #expect(place(Self.period.end - 1, .storageGB) == .window(window))
    }

    @Test func aiRequestsAreTotalledPerUTCDayInsideThePeriod() {
        let dayStart = UTCDay(containing: Self.start + 86_400).startSeconds
        #expect(place(Self.start + 86_400, .aiRequests) == .window(UsageWindow(kind: .day, start: dayStart, end: dayStart + 86_400)))
        // The day the period starts on counts from the period's start only.
        #expect(place(Self.start + 60, .aiRequests) == .window(UsageWindow(kind: .day, start: Self.start, end: dayStart)))
    }

    @Test func aLateEventGoesToItsOwnDayEndingAtThePeriodStartAtTheLatest() {
        let day = UTCDay(containing: Self.start - 1).startSeconds
        #expect(place(Self.start - 1) == .window(UsageWindow(kind: .late, start: day, end: Self.start)))
        #expect(place(Self.start - 3 * 86_400) == .window(UsageWindow(kind: .late, start: day - 3 * 86_400, end: day - 2 * 86_400)))
        #expect(!UsageWindow(kind: .late, start: 0, end: 1).alertsOnQuota)
    }

    @Test func anEventStripeWouldRefuseIsTooOld() {
        #expect(place(Self.now - UsagePlacement.reportableAgeSeconds) == .tooOld)
        #expect(place(Self.now - UsagePlacement.reportableAgeSeconds + 1) != .tooOld)
    }

    @Test func withoutAPeriodOrAfterItTheEventWaitsUnattributed() {
        #expect(place(Self.start, period: nil) == .unattributed)
        #expect(place(Self.period.end) == .unattributed)
    }

    static func totals(_ metric: UsageMetric, sum: Int64 = 0, last: Int64 = 0, lastAt: Int64 = now - 60, reportedSum: Int64 = 0,
                       reportedLast: Int64? = nil, window: UsageWindow = UsageWindow(kind: .period, start: period.start, end: period.end))
        -> UsageWindowTotals
    {
        UsageWindowTotals(metric: metric, window: window, sum: sum, last: last, lastAt: lastAt, reportedSum: reportedSum, reportedLast: reportedLast)
    }

    @Test func aSumReportsWhatIsNewSinceTheLastReportAtTheCurrentTime() throws {
        let report = try #require(MeterReportPlanner.report(for: Self.totals(.apiCalls, sum: 1_500, reportedSum: 1_000), now: Self.now))
        #expect(report.value == 500 && report.timestamp == Self.now && report.reportedSumAfter == 1_500)
        #expect(MeterReportPlanner.report(for: Self.totals(.apiCalls, sum: 1_000, reportedSum: 1_000), now: Self.now) == nil)
    }

    @Test func anEndedWindowReportsAtItsLastSecond() throws {
        let late = UsageWindow(kind: .late, start: Self.start - 86_400, end: Self.start)
        let report = try #require(MeterReportPlanner.report(for: Self.totals(.apiCalls, sum: 7, window: late), now: Self.now))
        #expect(report.timestamp == Self.start - 1)
    }

    @Test func aLevelReportsItsLatestValueWhenItChanged() throws {
        let report = try #require(MeterReportPlanner.report(for: Self.totals(.storageGB, last: 12_500, lastAt: Self.now - 300, reportedLast: 11_000),
                                                            now: Self.now))
        #expect(report.value == 12_500 && report.timestamp == Self.now - 300 && report.reportedLastAfter == 12_500)
        #expect(MeterReportPlanner.report(for: Self.totals(.storageGB, last: 12_500, reportedLast: 12_500), now: Self.now) == nil)
        // A first report of a level of zero is still a report.
        #expect(MeterReportPlanner.report(for: Self.totals(.userSeats, last: 0, reportedLast: nil), now: Self.now)?.value == 0)
    }

    @Test func windowsPastStripesWindowAreNotReported() {
        let old = UsageWindow(kind: .period, start: Self.now - 70 * 86_400, end: Self.now - 36 * 86_400)
        #expect(MeterReportPlanner.report(for: Self.totals(.apiCalls, sum: 5, window: old), now: Self.now) == nil)
    }

    @Test func identifiersAreStableAndFitStripesLimit() {
        let short = MeterReportPlanner.identifier(tenantID: "tenant_acme", metric: .apiCalls, windowEnd: 1_798_128_000, sequence: 3)
        #expect(short == "usage:tenant_acme:api_calls:1798128000:3")
        let tenant = String(repeating: "t", count: 120)
        let long = MeterReportPlanner.identifier(tenantID: tenant, metric: .concurrentSessions, windowEnd: 1_798_128_000, sequence: 12)
        #expect(long.count <= 100)
        #expect(long == MeterReportPlanner.identifier(tenantID: tenant, metric: .concurrentSessions, windowEnd: 1_798_128_000, sequence: 12))
        #expect(long != MeterReportPlanner.identifier(tenantID: tenant + "u", metric: .concurrentSessions, windowEnd: 1_798_128_000, sequence: 12))
    }

    @Test func thresholdsAtOrAboveAreExactAtTheBoundaries() {
        #expect(UsageBilling.thresholdsAtOrAbove(usedUnits: 7_999, allowance: .limited(10_000)) == [])
        #expect(UsageBilling.thresholdsAtOrAbove(usedUnits: 8_000, allowance: .limited(10_000)) == [.warning])
        #expect(UsageBilling.thresholdsAtOrAbove(usedUnits: 9_999, allowance: .limited(10_000)) == [.warning])
        #expect(UsageBilling.thresholdsAtOrAbove(usedUnits: 10_000, allowance: .limited(10_000)) == [.warning, .exceeded])
        #expect(UsageBilling.thresholdsAtOrAbove(usedUnits: .max / 2, allowance: .unlimited) == [])
        // 80% of 3 is 2.4: two units reach nothing, the third reaches both.
        #expect(UsageBilling.thresholdsAtOrAbove(usedUnits: 2, allowance: .limited(3)) == [])
        #expect(UsageBilling.thresholdsAtOrAbove(usedUnits: 3, allowance: .limited(3)) == [.warning, .exceeded])
    }
}
