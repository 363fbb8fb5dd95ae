import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Intake
import Logging
import NIOCore
import PostgresNIO
import Prometheus
import Storage
import Stripe
import StripeFixtures
import Testing

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

extension Integration {
    /// `GET /v1/tenants/{id}/usage` in-process, against the real PostgreSQL.
    @Suite("Usage operator route")
    struct UsageRoutesTests {
        let logger = TestServers.logger

        /// Places and records events as the usage consumer does.
        static func record(_ connection: PostgresConnection, now: Int64, _ records: [UsageEventRecord]) async throws -> UsageStore.Recorded {
            let store = UsageStore(connection: connection, logger: TestServers.logger)
            let periods = try await store.livePeriods(tenantIDs: Set(records.map(\.tenantID)))
            return try await store.record(UsageHandler.place(records, periods: periods, now: now))
        }
        static let periodStart: Int64 = 1_764_000_000  // the fixture's: 2025-11-24 16:00 UTC, 30 days

        @Test func theCurrentPeriodsUsageLimitsUtilisationAndOverage() async throws {
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_usage_route_\(tag)"
            let start = Self.periodStart
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { (database) async throws -> Void in
                try await Migrator().migrate(database.client, logger: logger)
                let plans = try PlanCatalogFile.load(path: TestServers.repositoryRoot.appendingPathComponent("config/plans.yaml").path)
                @Sendable func at(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
                try await UsageFixtures.subscribe(tenant: tenant, tag: tag, periodStart: start, price: .team, database: database)
                try await database.client.withTransaction(logger: logger) { connection in
                    func use(_ id: String, _ metric: String, _ units: Int64, _ time: Int64) -> UsageEventRecord {
                        UsageEventRecord(eventID: "u_\(tag)_\(id)", tenantID: tenant, metric: metric, units: units, occurredAt: at(time))
                    }
                    let recorded = try await Self.record(connection, now: start + 10 * 86_400, [
                        use("c0", "api_calls", 5_000, start - 1),  // the previous period
                        use("c1", "api_calls", 100_000, start + 3_600), use("c2", "api_calls", 1_234, start + 86_400),
                        use("s1", "storage_gb", 8_000, start + 86_400), use("s2", "storage_gb", 12_500, start + 5 * 86_400),
                        use("s3", "storage_gb", 11_250, start + 9 * 86_400),
                        use("a1", "ai_requests", 300, start + 2 * 86_400), use("a2", "ai_requests", 900, start + 10 * 86_400 + 3_600),
                    ])
                    #expect(recorded.inserted == 8 && recorded.unattributed == 0)
                    // The previous period's calls are a late window's, not this period's.
                    #expect(Set(recorded.windows.map(\.windowKind)) == ["late", "period", "day"])
                }
                let routes = UsageRoutes(database: database.client, plans: plans, logger: logger, now: { at(start + 10 * 86_400 + 7_200) })
                let intake = IntakeApplication(
                    settings: IntakeSettings(stripeWebhookSecrets: ["whsec_x"], internalSecret: "internal-secret-x", opsToken: "the-ops-token"),
                    publisher: RecordingPublisher(), readiness: ReadinessChecks([]), operatorRoutes: [routes], logger: logger)
                try await Application(router: intake.makeRouter()).test(.router) { (client) async throws -> Void in
                    let json = try await client.execute(uri: "/v1/tenants/\(tenant)/usage", method: .get,
                                                        headers: [.authorization: "Bearer the-ops-token"]) { response in
                        #expect(response.status == .ok)
                        return (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
                    }
                    #expect(json["tier"] as? String == "team")
                    let metrics = Dictionary(uniqueKeysWithValues: ((json["metrics"] as? [[String: Any]]) ?? []).map { ($0["metric"] as? String ?? "", $0) })
                    let calls = try #require(metrics["api_calls"])
                    #expect(calls["used"] as? Int == 101_234)
                    #expect(calls["limit"] as? Int == 100_000)
                    #expect(calls["utilisation_percent"] as? Double == 101.23)
                    #expect(calls["overage_quantity"] as? Int == 1_234)
                    #expect(calls["overage_amount"] as? Int == 1_234)  // $0.01 a call
                    let storage = try #require(metrics["storage_gb"])
                    #expect(storage["used"] as? Double == 11.25)  // the last value, not the maximum
                    #expect(storage["maximum"] as? Double == 12.5)
                    #expect(storage["overage_quantity"] as? Double == 1.25)
                    #expect(storage["overage_amount"] as? Int == 500)  // 1.25 GB × $4.00
                    let ai = try #require(metrics["ai_requests"])
                    #expect(ai["used"] as? Int == 900 && ai["window"] as? String == "today" && ai["period_total"] as? Int == 1_200)
                    #expect(ai["utilisation_percent"] as? Double == 90)
                    #expect(metrics["user_seats"]?["used"] as? Int == 0)
                    let missing = try await client.execute(uri: "/v1/tenants/nobody_\(tag)/usage", method: .get,
                                                           headers: [.authorization: "Bearer the-ops-token"]) { $0.status }
                    #expect(missing == .notFound)
                }
            }
        }
    
        /// Reads the report through the HTTP surface; the database is shared, so the test
        /// compares the report before and after adding its own tenants, at one fixed time.
        @Test func analyticsCountTheWindowAgainstTheOneBeforeAndOveragePerPlan() async throws {
            let tag = UUID().uuidString.prefix(8).lowercased()
            let now = Int64(Date().timeIntervalSince1970)
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { (database) async throws -> Void in
                try await Migrator().migrate(database.client, logger: logger)
                let plans = try PlanCatalogFile.load(path: TestServers.repositoryRoot.appendingPathComponent("config/plans.yaml").path)
                let routes = UsageRoutes(database: database.client, plans: plans, logger: logger, now: { Date(timeIntervalSince1970: TimeInterval(now)) })
                let intake = IntakeApplication(
                    settings: IntakeSettings(stripeWebhookSecrets: ["whsec_x"], internalSecret: "internal-secret-x", opsToken: "the-ops-token"),
                    publisher: RecordingPublisher(), readiness: ReadinessChecks([]), operatorRoutes: [routes], logger: logger)
                try await Application(router: intake.makeRouter()).test(.router) { (client) async throws -> Void in
                    func report(_ query: String = "?period=30d") async throws -> (HTTPResponse.Status, [String: Any]) {
                        try await client.execute(uri: "/v1/analytics/usage\(query)", method: .get, headers: [.authorization: "Bearer the-ops-token"]) {
                            ($0.status, ((try? JSONSerialization.jsonObject(with: Data(buffer: $0.body))) as? [String: Any]) ?? [:])
                        }
                    }
                    func number(_ json: [String: Any], _ path: String) -> Double {
                        var node: Any? = json
                        for key in path.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
                        return (node as? NSNumber)?.doubleValue ?? 0
                    }
                    let (status, before) = try await report()
                    #expect(status == .ok)
                    let developer = "tenant_an_dev_\(tag)", team = "tenant_an_team_\(tag)"
                    try await UsageFixtures.subscribe(tenant: developer, tag: "d\(tag)", periodStart: now - 86_400, price: .developer, database: database)
                    try await UsageFixtures.subscribe(tenant: team, tag: "t\(tag)", periodStart: now - 86_400, price: .team, database: database)
                    try await database.client.withTransaction(logger: logger) { connection in
                        func use(_ tenant: String, _ id: String, _ metric: String, _ units: Int64, _ at: Int64) -> UsageEventRecord {
                            UsageEventRecord(eventID: "an_\(tag)_\(id)", tenantID: tenant, metric: metric, units: units,
                                             occurredAt: Date(timeIntervalSince1970: TimeInterval(at)))
                        }
                        let recorded = try await Self.record(connection, now: now, [
                            use(developer, "d1", "api_calls", 12_000, now - 3_600), use(developer, "d2", "storage_gb", 1_500, now - 3_000),
                            use(team, "t1", "api_calls", 50_000, now - 3_600),
                            use(team, "t0", "api_calls", 10_000, now - 40 * 86_400),  // the window before
                        ])
                        // Forty days old: kept (and in the previous window's figures), never reported.
                        #expect(recorded.inserted == 4 && recorded.tooOld == 1)
                    }
                    let (_, after) = try await report()
                    #expect(number(after, "totals.api_calls.quantity") - number(before, "totals.api_calls.quantity") == 62_000)
                    #expect(number(after, "totals.api_calls.events") - number(before, "totals.api_calls.events") == 2)
                    #expect(number(after, "totals.api_calls.previous_quantity") - number(before, "totals.api_calls.previous_quantity") == 10_000)
                    #expect(number(after, "totals.storage_gb.quantity") - number(before, "totals.storage_gb.quantity") == 1.5)
                    #expect(number(after, "active_tenants") - number(before, "active_tenants") == 2)
                    #expect(number(after, "tiers.developer.tenants") - number(before, "tiers.developer.tenants") == 1)
                    #expect(number(after, "tiers.team.tenants") - number(before, "tiers.team.tenants") == 1)
                    #expect(number(after, "tiers.developer.overage_customers") - number(before, "tiers.developer.overage_customers") == 1)
                    #expect(number(after, "tiers.team.overage_customers") == number(before, "tiers.team.overage_customers"))
                    // Developer: 2,000 calls over at $0.01 and 0.5 GB over at $5.00.
                    #expect(number(after, "tiers.developer.overage_revenue") - number(before, "tiers.developer.overage_revenue") == 2_250)
                    #expect(number(after, "overage_revenue.by_metric.api_calls") - number(before, "overage_revenue.by_metric.api_calls") == 2_000)
                    #expect(number(after, "overage_revenue.by_metric.storage_gb") - number(before, "overage_revenue.by_metric.storage_gb") == 250)
                    #expect(number(after, "overage_revenue.total") - number(before, "overage_revenue.total") == 2_250)
                    #expect((after["period"] as? String) == "30d")
                    let (badStatus, bad) = try await report("?period=forever")
                    #expect(badStatus == .badRequest)
                    #expect((bad["reason"] as? String)?.contains("1d to 366d") == true)
                }
            }
        }
}
}
