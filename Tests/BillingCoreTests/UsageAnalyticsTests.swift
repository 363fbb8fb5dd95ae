import BillingCore
import Testing

/// The analytics report's per-plan figures against hand-computed cases.
@Suite struct UsageAnalyticsTests {
    static let plans = try! PlanCatalog([UsageTests.developer, UsageTests.team, UsageTests.enterprise])

    @Test func perPlanTenantsAverageUtilisationAndOverage() throws {
        let standings = [
            // Developer: 12,000 calls (2,000 over: $20.00), 1.5 GB (0.5 GB over at $5: $2.50).
            UsageAnalytics.TenantStanding(tenantID: "d1", tier: .developer, apiCalls: 12_000, storage: 1_500, apiCallsInWindow: 12_000),
            // Developer: 5,000 calls, 0.2 GB: within both.
            UsageAnalytics.TenantStanding(tenantID: "d2", tier: .developer, apiCalls: 5_000, storage: 200, apiCallsInWindow: 4_001),
            // Team: exactly at the allowance: no overage.
            UsageAnalytics.TenantStanding(tenantID: "t1", tier: .team, apiCalls: 100_000, storage: 10_000, apiCallsInWindow: 100_000),
            // Enterprise: unlimited calls; 1,001 GB is 1 GB over at $3.
            UsageAnalytics.TenantStanding(tenantID: "e1", tier: .enterprise, apiCalls: 9_000_000, storage: 1_001_000, apiCallsInWindow: 9_000_000),
        ]
        let tiers = UsageAnalytics.tiers(standings, active: ["d1", "t1"], plans: Self.plans)
        let developer = try #require(tiers.first { $0.tier == .developer })
        #expect(developer.tenants == 2 && developer.activeTenants == 1)
        #expect(developer.averageAPICalls == 8_001)  // 16,001 / 2 = 8,000.5, rounded half away from zero
        #expect(developer.apiCallUtilisationBasisPoints == 8_500)  // (120% + 50%) / 2
        #expect(developer.storageUtilisationBasisPoints == 8_500)  // (150% + 20%) / 2
        #expect(developer.overageCustomers == 1)
        #expect(developer.overageRevenue == [.apiCalls: Money(minorUnits: 2_000, currency: .usd), .storageGB: Money(minorUnits: 250, currency: .usd)])
        let team = try #require(tiers.first { $0.tier == .team })
        #expect(team.tenants == 1 && team.overageCustomers == 0 && team.overageRevenue.isEmpty)
        #expect(team.apiCallUtilisationBasisPoints == 10_000)
        let enterprise = try #require(tiers.first { $0.tier == .enterprise })
        #expect(enterprise.apiCallUtilisationBasisPoints == nil)  // unlimited
        #expect(enterprise.overageCustomers == 1)
        #expect(enterprise.overageRevenue == [.storageGB: Money(minorUnits: 300, currency: .usd)])
    }

    @Test func aPlanWithoutTenantsIsAllZeros() {
        let tiers = UsageAnalytics.tiers([], active: [], plans: Self.plans)
        #expect(tiers.map(\.tier) == PlanTier.allCases)
        #expect(tiers.allSatisfy { $0.tenants == 0 && $0.overageCustomers == 0 && $0.apiCallUtilisationBasisPoints == nil })
    }

    @Test func growthIsInTenthsOfAPercent() {
        #expect(UsageAnalytics.growthPermille(current: 150, previous: 100) == 500)
        #expect(UsageAnalytics.growthPermille(current: 100, previous: 300) == -667)
        #expect(UsageAnalytics.growthPermille(current: 5, previous: 0) == nil)
    }
}
