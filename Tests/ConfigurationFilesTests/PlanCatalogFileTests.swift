import BillingCore
import Foundation
import Testing

@testable import ConfigurationFiles

@Suite("config/plans.yaml")
struct PlanCatalogFileTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/plans.yaml").path

    func usd(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
    func price(_ text: String) -> UnitPrice { UnitPrice(decimal: text, currency: .usd)! }

    @Test func theProjectsCatalogHasTheSeedsNumbersExactly() throws {
        let catalog = try PlanCatalogFile.load(path: Self.path)

        let developer = catalog[.developer]
        #expect(developer.monthlyPrice == usd(5000))
        #expect(developer.trialDays == 14)
        #expect(developer.limits == PlanLimits(users: .limited(1), projects: .limited(5), apiCallsPerPeriod: .limited(10_000),
                                               storageGB: .limited(1), aiRequestsPerDay: .limited(100), concurrentSessions: .limited(2)))
        #expect(developer.overage == OveragePrices(perAPICall: price("0.01"), perGBStorage: price("5.00")))
        #expect(developer.support == ["email"])
        #expect(developer.features == ["api_access"])

        let team = catalog[.team]
        #expect(team.monthlyPrice == usd(20_000))
        #expect(team.trialDays == 14)
        #expect(team.limits == PlanLimits(users: .limited(10), projects: .limited(50), apiCallsPerPeriod: .limited(100_000),
                                          storageGB: .limited(10), aiRequestsPerDay: .limited(1000), concurrentSessions: .limited(10)))
        #expect(team.overage == OveragePrices(perAPICall: price("0.01"), perGBStorage: price("4.00")))
        #expect(team.features.isSuperset(of: ["sso"]))
        #expect(team.support.contains("chat"))

        let enterprise = catalog[.enterprise]
        #expect(enterprise.monthlyPrice == usd(80_000))
        #expect(enterprise.trialDays == 30)
        #expect(enterprise.limits == PlanLimits(users: .unlimited, projects: .unlimited, apiCallsPerPeriod: .unlimited,
                                                storageGB: .limited(1000), aiRequestsPerDay: .limited(10_000), concurrentSessions: .limited(100)))
        #expect(enterprise.overage == OveragePrices(perAPICall: nil, perGBStorage: price("3.00")))
        #expect(enterprise.features.isSuperset(of: ["saml", "custom_integrations", "sla"]))
        #expect(enterprise.support.contains("phone") && enterprise.support.contains("dedicated"))

        #expect(catalog.restrictions == .standard)
        // Each plan's own Stripe price maps to it.
        #expect(catalog.prices.priceMap == ["price_developer_monthly": .developer, "price_team_monthly": .team,
                                            "price_enterprise_monthly": .enterprise])
        #expect(catalog[.team].stripePriceID == "price_team_monthly")
    }

    @Test func serviceStatesAndThePriceMapAreRead() throws {
        let yaml = Self.minimal + """

            service_states:
              degraded: {access: full, ai_requests: false}
            price_map: {price_old_team: team}
            """
        let catalog = try PlanCatalogFile.parse(yaml: yaml, file: "plans.yaml")
        #expect(catalog.restrictions.degraded == ServiceRestriction(access: .full, aiRequests: false))
        #expect(catalog.restrictions.suspended == ServiceRestrictions.standard.suspended)
        #expect(catalog.prices.priceMap == ["price_old_team": .team])
        #expect(throws: ConfigurationFileError.self) {
            try PlanCatalogFile.parse(yaml: Self.minimal + "\nservice_states: {degraded: {access: partial, ai_requests: false}}", file: "plans.yaml")
        }
        #expect(throws: ConfigurationFileError.self) {
            try PlanCatalogFile.parse(yaml: Self.minimal + "\nprice_map: {price_x: gold}", file: "plans.yaml")
        }
    }

    static let minimal = """
        currency: usd
        plans:
          developer: {name: D, monthly_price: "50.00", trial_days: 14, limits: {users: 1, projects: 5, api_calls_per_period: 10, storage_gb: 1, ai_requests_per_day: 1, concurrent_sessions: 1}}
          team: {name: T, monthly_price: "200.00", trial_days: 14, limits: {users: 1, projects: 5, api_calls_per_period: 10, storage_gb: 1, ai_requests_per_day: 1, concurrent_sessions: 1}}
          enterprise: {name: E, monthly_price: "800.00", trial_days: 30, limits: {users: unlimited, projects: 5, api_calls_per_period: 10, storage_gb: 1, ai_requests_per_day: 1, concurrent_sessions: 1}}
        """

    @Test func aMinimalCatalogLoads() throws {
        #expect(try PlanCatalogFile.parse(yaml: Self.minimal, file: "plans.yaml")[.enterprise].limits.users == .unlimited)
    }

    @Test(arguments: [
        ("monthly_price: \"50.00\"", "monthly_price: \"50.005\"", "plans.developer.monthly_price"),
        ("monthly_price: \"50.00\"", "monthly_price: 50", "plans.developer.monthly_price"),
        ("users: 1, projects: 5", "users: 999999999999999999999, projects: 5", "plans.developer.limits.users"),
        ("users: 1, projects: 5", "users: lots, projects: 5", "plans.developer.limits.users"),
        ("users: 1, projects: 5", "users: -1, projects: 5", "plans.developer.limits.users"),
        ("trial_days: 14, limits: {users: 1", "trial_days: 400, limits: {users: 1", "plans.developer.trial_days"),
        ("developer: {name: D,", "developr: {name: D,", "plans.developr"),
        ("currency: usd", "currency: dollars", "currency"),
        ("{name: D,", "{name: D, colour: red,", "plans.developer.colour"),
    ])
    func errorsNameTheKey(original: String, replacement: String, key: String) {
        let yaml = Self.minimal.replacingOccurrences(of: original, with: replacement)
        #expect(yaml != Self.minimal)
        do {
            _ = try PlanCatalogFile.parse(yaml: yaml, file: "config/plans.yaml")
            Issue.record("expected \(key) to be refused")
        } catch {
            #expect(error.key == key, "\(error)")
            #expect(error.file == "config/plans.yaml")
        }
    }

    @Test func aMissingTierIsRefused() {
        let yaml = Self.minimal.split(separator: "\n").filter { !$0.contains("enterprise:") }.joined(separator: "\n")
        #expect(throws: ConfigurationFileError(file: "plans.yaml", key: "plans", reason: "the plan enterprise is missing")) {
            try PlanCatalogFile.parse(yaml: yaml, file: "plans.yaml")
        }
    }
}
