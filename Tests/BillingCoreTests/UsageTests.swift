import BillingCore
import Foundation
import Testing

/// Overage and quota maths against hand-computed cases, with the plans of config/plans.yaml.
@Suite struct UsageTests {
    static func price(_ text: String) -> UnitPrice { UnitPrice(decimal: text, currency: .usd)! }
    static func plan(_ tier: PlanTier, calls: Limit, storageGB: Int64, perCall: String?, perGB: String) -> Plan {
        Plan(tier: tier, name: tier.rawValue, monthlyPrice: Money(minorUnits: 0, currency: .usd), trialDays: 14,
             limits: PlanLimits(users: .limited(10), projects: .limited(50), apiCallsPerPeriod: calls, storageGB: .limited(storageGB),
                                aiRequestsPerDay: .limited(1_000), concurrentSessions: .limited(10)),
             overage: OveragePrices(perAPICall: perCall.map(price), perGBStorage: price(perGB)), features: [], support: [])
    }

    static let developer = plan(.developer, calls: .limited(10_000), storageGB: 1, perCall: "0.01", perGB: "5.00")
    static let team = plan(.team, calls: .limited(100_000), storageGB: 10, perCall: "0.01", perGB: "4.00")
    static let enterprise = plan(.enterprise, calls: .unlimited, storageGB: 1_000, perCall: nil, perGB: "3.00")

    func usd(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

    @Test(arguments: [
        (developer, 10_000, 0, 0), (developer, 10_001, 1, 1), (developer, 12_345, 2_345, 2_345),
        (team, 100_000, 0, 0), (team, 100_001, 1, 1), (team, 150_000, 50_000, 50_000),
    ] as [(Plan, Int64, Int64, Int64)])
    func apiCallsOverTheAllowanceCostACentEach(plan: Plan, used: Int64, over: Int64, cents: Int64) {
        let line = UsageBilling.overage(.apiCalls, usedUnits: used, plan: plan)
        #expect(line.overUnits == over)
        #expect(line.amount == usd(cents))
    }

    @Test func enterpriseCallsAreUnlimitedAndNeverBilled() {
        let line = UsageBilling.overage(.apiCalls, usedUnits: 50_000_000, plan: Self.enterprise)
        #expect(line.allowance == .unlimited && line.overUnits == 0 && line.amount == nil)
    }

    /// Storage in MB: the per-GB price ÷ 1,000 per MB, the line rounded once, half away from zero.
    @Test(arguments: [
        (developer, "1", 0, 0), (developer, "1.001", 1, 1),  // $0.005 → $0.01
        (developer, "1.5", 500, 250), (developer, "3.25", 2_250, 1_125),
        (team, "10", 0, 0), (team, "10.001", 1, 0),  // $0.004 → $0.00
        (team, "12.5", 2_500, 1_000), (team, "10.125", 125, 50),
        (enterprise, "1000", 0, 0), (enterprise, "1000.001", 1, 0), (enterprise, "1250", 250_000, 75_000),
        (enterprise, "1000.5", 500, 150),
    ] as [(Plan, String, Int64, Int64)])
    func storageOverTheAllowanceIsChargedByTheMegabyte(plan: Plan, gigabytes: String, overMB: Int64, cents: Int64) throws {
        let quantity = try #require(Decimal(string: gigabytes))
        let used = try #require(UsageMetric.storageGB.units(of: quantity))
        let line = UsageBilling.overage(.storageGB, usedUnits: used, plan: plan)
        #expect(line.overUnits == overMB)
        #expect(line.amount == usd(cents))
    }

    @Test func metricsWithoutAnOveragePriceReportTheirOverageOnly() {
        let line = UsageBilling.overage(.userSeats, usedUnits: 12, plan: Self.team)
        #expect(line.overUnits == 2 && line.amount == nil)
    }

    @Test func quantitiesAreExactWholeUnits() {
        #expect(UsageMetric.storageGB.units(of: Decimal(string: "1.5")!) == 1_500)
        #expect(UsageMetric.storageGB.units(of: Decimal(string: "0.001")!) == 1)
        #expect(UsageMetric.storageGB.units(of: Decimal(string: "1.0005")!) == nil)
        #expect(UsageMetric.apiCalls.units(of: 3) == 3)
        #expect(UsageMetric.apiCalls.units(of: Decimal(string: "2.5")!) == nil)
        #expect(UsageMetric.apiCalls.units(of: -1) == nil)
        #expect(UsageMetric.storageGB.allowance(Self.developer.limits) == .limited(1_000))
    }

    @Test func utilisationIsInHundredthsOfAPercent() {
        #expect(UsageBilling.utilisationBasisPoints(usedUnits: 8_050, allowance: .limited(10_000)) == 8_050)
        #expect(UsageBilling.utilisationBasisPoints(usedUnits: 1, allowance: .limited(3)) == 3_333)
        #expect(UsageBilling.utilisationBasisPoints(usedUnits: 2, allowance: .limited(3)) == 6_667)
        #expect(UsageBilling.utilisationBasisPoints(usedUnits: 5, allowance: .unlimited) == nil)
    }
}
