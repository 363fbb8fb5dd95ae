import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Intake
import Logging
import NIOCore
import Prometheus
import Storage
import Stripe
import StripeFixtures
import Testing

@testable import Workers

extension Integration {
    /// `GET /v1/tenants/{id}/usage` in-process, against the real PostgreSQL.
    @Suite("Usage operator route")
    struct UsageRoutesTests {
        let logger = TestServers.logger
        static let periodStart: Int64 = 1_764_000_000  // the fixture's: 2025-11-24 16:00 UTC, 30 days

        @Test func theCurrentPeriodsUsageLimitsUtilisationAndOverage() async throws {
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_usage_route_\(tag)"
            let start = Self.periodStart
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { (database) async throws -> Void in
                try await Migrator().migrate(database.client, logger: logger)
                let plans = try PlanCatalogFile.load(path: TestServers.repositoryRoot.appendingPathComponent("config/plans.yaml").path)
                let lifecycle = LifecycleHandler(plans: plans, stripe: StripeClient(
                    configuration: .init(apiKey: "sk_test", baseURL: "http://127.0.0.1:9"), logger: logger), registry: PrometheusCollectorRegistry())
                @Sendable func at(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
                try await database.client.withTransaction(logger: logger) { connection in
                    for (id, body) in [
                        ("evt_c_\(tag)", StripeFixtures.customerEvent(id: "evt_c_\(tag)", created: start, customer: "cus_\(tag)", tenant: tenant)),
                        ("evt_s_\(tag)", StripeFixtures.subscriptionEvent(id: "evt_s_\(tag)", created: start + 1, subscription: "sub_\(tag)",
                                                                         customer: "cus_\(tag)", status: "active", price: .team, periodStart: start)),
                    ] {
                        try await lifecycle.handle(InboundEvent(id: id, routingKey: "stripe.x", type: nil, body: Array(body.utf8), attempt: 1),
                                                   connection: connection, logger: logger)
                    }
                    func use(_ id: String, _ metric: String, _ units: Int64, _ time: Int64) -> UsageEventRecord {
                        UsageEventRecord(eventID: "u_\(tag)_\(id)", tenantID: tenant, metric: metric, units: units, occurredAt: at(time))
                    }
                    let recorded = try await UsageStore(connection: connection, logger: logger).record([
                        use("c0", "api_calls", 5_000, start - 1),  // the previous period
                        use("c1", "api_calls", 100_000, start + 3_600), use("c2", "api_calls", 1_234, start + 86_400),
                        use("s1", "storage_gb", 8_000, start + 86_400), use("s2", "storage_gb", 12_500, start + 5 * 86_400),
                        use("s3", "storage_gb", 11_250, start + 9 * 86_400),
                        use("a1", "ai_requests", 300, start + 2 * 86_400), use("a2", "ai_requests", 900, start + 10 * 86_400 + 3_600),
                    ])
                    #expect(recorded.inserted == 8 && recorded.unattributed == 0)
                }
                let routes = UsageRoutes(database: database.client, plans: plans, logger: logger, now: { at(start + 10 * 86_400 + 7_200) })
                let intake = IntakeApplication(
                    settings: IntakeSettings(stripeWebhookSecrets: ["whsec_x"], internalSecret: "internal-secret-x", opsToken: "the-ops-token"),
                    publisher: RecordingPublisher(), readiness: ReadinessChecks([]), operatorRoutes: routes.routes, logger: logger)
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
    }
}
