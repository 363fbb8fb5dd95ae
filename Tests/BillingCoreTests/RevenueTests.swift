import Testing

@testable import BillingCore

@Suite("MRR")
struct RevenueTests {
    @Test func monthlyPlansCountTheirPriceTimesQuantity() {
        #expect(Revenue.monthlyAmount([.init(unitAmount: 20_000, quantity: 3, interval: "month")]) == 60_000)
        #expect(Revenue.monthlyAmount([]) == 0)
    }

    @Test func otherIntervalsAreNormalisedExactlyAndRoundedOnce() {
        // $800 a year is 66.666… a month → 66.67.
        #expect(Revenue.monthlyAmount([.init(unitAmount: 80_000, quantity: 1, interval: "year")]) == 6_667)
        // $10 a week is 10 × 52 / 12 = 43.333… → 43.33.
        #expect(Revenue.monthlyAmount([.init(unitAmount: 1_000, quantity: 1, interval: "week")]) == 4_333)
        // Every 3 months $600 is $200 a month.
        #expect(Revenue.monthlyAmount([.init(unitAmount: 60_000, quantity: 1, interval: "month", intervalCount: 3)]) == 20_000)
        // Two yearly lines of 66.666… each make 133.33, not 66.67 + 66.67 = 133.34.
        #expect(Revenue.monthlyAmount([.init(unitAmount: 80_000, quantity: 1, interval: "year"),
                                       .init(unitAmount: 80_000, quantity: 1, interval: "year")]) == 13_333)
        #expect(Revenue.monthlyAmount([.init(unitAmount: 1, quantity: 1, interval: "decade")]) == nil)
    }

    @Test func percentDiscountsApplyBeforeRounding() {
        // Team $200 with 25% off: $150. Enterprise yearly $9,600 with 12.5% off: 800 × 0.875 = $700.
        #expect(Revenue.monthlyAmount([.init(unitAmount: 20_000, quantity: 1, interval: "month")], percentOffBasisPoints: 2_500) == 15_000)
        #expect(Revenue.monthlyAmount([.init(unitAmount: 960_000, quantity: 1, interval: "year")], percentOffBasisPoints: 1_250) == 70_000)
        #expect(Revenue.monthlyAmount([.init(unitAmount: 20_000, quantity: 1, interval: "month")], percentOffBasisPoints: 10_000) == 0)
    }

    @Test(arguments: SubscriptionStatus.allCases)
    func statusesCountAsDocumented(_ status: SubscriptionStatus) {
        let counts: Set<SubscriptionStatus> = [.active, .pastDue, .unpaid]
        #expect(Revenue.counted(20_000, status: status) == (counts.contains(status) ? 20_000 : 0))
    }

    @Test func movementsAreClassified() {
        #expect(Revenue.movement(from: 0, to: 20_000, hadRevenueBefore: false) == .new)
        #expect(Revenue.movement(from: 0, to: 20_000, hadRevenueBefore: true) == .reactivation)
        #expect(Revenue.movement(from: 20_000, to: 80_000, hadRevenueBefore: true) == .expansion)
        #expect(Revenue.movement(from: 80_000, to: 20_000, hadRevenueBefore: true) == .contraction)
        #expect(Revenue.movement(from: 20_000, to: 0, hadRevenueBefore: true) == .churn)
        #expect(Revenue.movement(from: 20_000, to: 20_000, hadRevenueBefore: true) == nil)
        // A trial that converts: 0 while trialing, then new.
        let trial = Revenue.counted(20_000, status: .trialing)
        #expect(Revenue.movement(from: trial, to: Revenue.counted(20_000, status: .active), hadRevenueBefore: false) == .new)
    }
}
