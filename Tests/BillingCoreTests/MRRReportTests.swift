import Testing

@testable import BillingCore

@Suite("MRR report")
struct MRRReportTests {
    // November 2026, UTC: [2026-11-01, 2026-12-01).
    let start: Int64 = 1_793_491_200
    let end: Int64 = 1_796_083_200
    let day: Int64 = 86_400

    func move(_ subscription: String, _ customer: String, _ tier: PlanTier, _ kind: Revenue.MovementKind, _ from: Int64, _ to: Int64,
              at: Int64) -> MRRReport.Movement {
        MRRReport.Movement(subscriptionID: subscription, customerID: customer, tier: tier, kind: kind, from: from, to: to, at: at,
                           eventID: "evt_\(subscription)_\(at)")
    }

    /// Three customers paying before November; in November one expands, one churns and comes
    /// back, one contracts, two new customers arrive; one movement after the range.
    var movements: [MRRReport.Movement] {
        [
            move("sub_a", "cus_a", .team, .new, 0, 20_000, at: start - 27 * day),
            move("sub_b", "cus_b", .developer, .new, 0, 5_000, at: start - 22 * day),
            move("sub_c", "cus_c", .enterprise, .new, 0, 80_000, at: start - 20 * day),
            move("sub_a", "cus_a", .enterprise, .expansion, 20_000, 80_000, at: start + 2 * day),
            move("sub_b", "cus_b", .developer, .churn, 5_000, 0, at: start + 4 * day),
            move("sub_d", "cus_d", .team, .new, 0, 20_000, at: start + 6 * day),
            move("sub_e", "cus_e", .developer, .new, 0, 5_000, at: start + 7 * day),
            move("sub_c", "cus_c", .enterprise, .contraction, 80_000, 40_000, at: start + 8 * day),
            move("sub_b2", "cus_b", .developer, .reactivation, 0, 5_000, at: start + 19 * day),
            move("sub_d", "cus_d", .team, .churn, 20_000, 0, at: end + day),
        ]
    }

    @Test func theHandComputedMonthComesOutExactly() {
        let report = MRRReport.compute(movements.shuffled(), start: start, end: end)
        #expect(report.startMRR == 105_000)
        #expect(report.newMRR == 25_000)
        #expect(report.expansionMRR == 60_000)
        #expect(report.contractionMRR == 40_000)
        #expect(report.churnMRR == 5_000)
        #expect(report.reactivationMRR == 5_000)
        #expect(report.netNewMRR == 45_000)
        #expect(report.currentMRR == 150_000)
        #expect(report.currentMRR - report.startMRR == report.netNewMRR)
        #expect(report.growthRatePercent == "42.86")  // 45,000 / 105,000 = 42.857…%
        #expect(report.arrProjection == 1_800_000)

        let tiers = Dictionary(uniqueKeysWithValues: report.tiers.map { ($0.tier, $0) })
        #expect(tiers[.developer] == MRRReport.TierFigures(tier: .developer, mrr: 10_000, subscribers: 2, arpu: 5_000,
                                                           churnedSubscribers: 1, churnRatePercent: "100.00"))
        #expect(tiers[.team] == MRRReport.TierFigures(tier: .team, mrr: 20_000, subscribers: 1, arpu: 20_000, churnedSubscribers: 0,
                                                      churnRatePercent: "0.00"))
        #expect(tiers[.enterprise] == MRRReport.TierFigures(tier: .enterprise, mrr: 120_000, subscribers: 2, arpu: 60_000,
                                                            churnedSubscribers: 0, churnRatePercent: "0.00"))
        // Only customers whose first revenue fell in November: D and E (B came back; not new).
        #expect(report.cohorts == [MRRReport.Cohort(month: "2026-11", initialCustomers: 2, retainedCustomers: 2,
                                                    retentionRatePercent: "100.00", initialMRR: 25_000, currentMRR: 25_000,
                                                    revenueRetentionPercent: "100.00")])
    }

    @Test func cohortsFollowTheirCustomersAcrossMonths() {
        // October and November cohorts seen from a report over both months.
        let report = MRRReport.compute(movements, start: start - 31 * day, end: end)
        #expect(report.cohorts.map(\.month) == ["2026-10", "2026-11"])
        let october = report.cohorts[0]
        #expect(october.initialCustomers == 3)
        #expect(october.retainedCustomers == 3, "cus_b pays again through its second subscription")
        #expect(october.retentionRatePercent == "100.00")
        #expect(october.initialMRR == 105_000)
        #expect(october.currentMRR == 125_000)  // a 80,000 + b2 5,000 + c 40,000
        #expect(october.revenueRetentionPercent == "119.05")
    }

    @Test func ratesRoundOnceHalfAwayFromZeroAndSurviveEmptyBases() {
        #expect(MRRReport.percent(1, of: 3) == "33.33")
        #expect(MRRReport.percent(2, of: 3) == "66.67")
        #expect(MRRReport.percent(1, of: 8) == "12.50")
        #expect(MRRReport.percent(-1, of: 3) == "-33.33")
        #expect(MRRReport.percent(5, of: 0) == "0.00")
        #expect(MRRReport.compute([], start: start, end: end).arrProjection == 0)
    }

    @Test func monthsAreUTCCalendarMonths() {
        #expect(MRRReport.month(of: start) == "2026-11")
        #expect(MRRReport.month(of: start - 1) == "2026-10")
        #expect(MRRReport.month(of: 951_825_600) == "2000-02")
        #expect(MRRReport.month(of: 0) == "1970-01")
    }
}
