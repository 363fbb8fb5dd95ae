import BillingCore
import ConfigurationFiles
import Foundation
import Storage
import Testing

@testable import Usage

/// Which quota alerts a write calls for, and what their notices carry.
@Suite struct QuotaAlertsTests {
    static let plans = try! PlanCatalogFile.load(path: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/plans.yaml").path)
    static let end = Date(timeIntervalSince1970: 1_798_070_400)

    static func window(_ metric: String, kind: String = "period", sum: Int64 = 0, last: Int64 = 0, tenant: String = "t1") -> UsageWindowState {
        UsageWindowState(tenantID: tenant, metric: metric, windowKind: kind, windowEnd: end, sum: sum, last: last)
    }

    static let periods: [String: LiveUsagePeriod] = [
        "t1": LiveUsagePeriod(tenantID: "t1", stripeCustomerID: "cus_1", tier: "team", periodStart: end.addingTimeInterval(-30 * 86_400), periodEnd: end),
        "e1": LiveUsagePeriod(tenantID: "e1", stripeCustomerID: "cus_2", tier: "enterprise", periodStart: end.addingTimeInterval(-30 * 86_400), periodEnd: end),
        "x1": LiveUsagePeriod(tenantID: "x1", stripeCustomerID: "cus_3", tier: nil, periodStart: end.addingTimeInterval(-30 * 86_400), periodEnd: end),
    ]

    func thresholds(_ windows: [UsageWindowState]) -> [Int] {
        QuotaAlerts.candidates(windows, periods: Self.periods, plans: Self.plans).map(\.threshold)
    }

    @Test func sumsCountTheirTotalAndLevelsTheirLastValue() {
        #expect(thresholds([Self.window("api_calls", sum: 79_999)]) == [])
        #expect(thresholds([Self.window("api_calls", sum: 80_000)]) == [80])
        #expect(thresholds([Self.window("api_calls", sum: 100_001)]) == [80, 100])
        // Storage's allowance is 10 GB on Team: the last level counts, not the maximum or the sum.
        #expect(thresholds([Self.window("storage_gb", sum: 50_000, last: 7_999)]) == [])
        #expect(thresholds([Self.window("storage_gb", sum: 8_000, last: 8_000)]) == [80])
        #expect(thresholds([Self.window("ai_requests", kind: "day", sum: 1_000)]) == [80, 100])
    }

    @Test func lateWindowsUnlimitedAllowancesAndUnknownPlansAlertNothing() {
        #expect(thresholds([Self.window("api_calls", kind: "late", sum: 1_000_000)]) == [])
        #expect(thresholds([Self.window("api_calls", sum: 50_000_000, tenant: "e1")]) == [])
        #expect(thresholds([Self.window("api_calls", sum: 1_000_000, tenant: "x1")]) == [])
        #expect(thresholds([Self.window("api_calls", sum: 1_000_000, tenant: "nobody")]) == [])
    }

    @Test func theNoticeCarriesWhatTheTemplatesRead() {
        let data = QuotaAlerts.notificationData(metric: .storageGB, usedUnits: 12_500, plan: Self.plans[.team], periodEnd: 1_798_070_400)
        #expect(data["metric_label"] == "storage" && data["unit"] == "GB")
        #expect(data["used"] == .number(12.5) && data["limit"] == .number(10))
        #expect(data["percent"] == .number(125))
        #expect(data["overage_unit_price"] == "$4.00" && data["overage_unit"] == "GB")
        #expect(data["period_end"] == .number(1_798_070_400))
        let seats = QuotaAlerts.notificationData(metric: .userSeats, usedUnits: 8, plan: Self.plans[.team], periodEnd: 0)
        #expect(seats["overage_unit_price"] == nil && seats["percent"] == .number(80))
    }
}
