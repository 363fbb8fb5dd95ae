import AMQP
import Foundation
import Logging
import PostgresNIO
import Storage
import Stripe
import Testing

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

extension Integration {
    /// The usage pipe under load and crashes: `billing intake` and a `billing consume` process,
    /// the consumer killed with SIGKILL twice while events stream in.
    @Suite("Usage: a million events and two crashes")
    struct UsageMillionEventsTests {
        let logger = TestServers.logger
        /// `BILLING_TEST_USAGE_EVENTS` shrinks it for a quick local run; CI runs the full million.
        static let total = Int(ProcessInfo.processInfo.environment["BILLING_TEST_USAGE_EVENTS"] ?? "") ?? 1_000_000
        static let tenants = 200
        static let batch = 1_000

        @Test func totalsAreExactAfterDuplicatesAndTwoSIGKILLs() async throws {
            let tag = UUID().uuidString.prefix(8).lowercased()
            let periodStart = Int64(Date().timeIntervalSince1970) - 86_400
            let occurredAt = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(periodStart + 3_600)))
            let duplicates = Self.total / 10
            let unique = Self.total - duplicates
            try await AMQPConnection.withConnection(configuration: TestServers.amqp, logger: logger) { amqp in
                try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                    try await Migrator().migrate(database.client, logger: logger)
                    // Enterprise: unlimited calls, so no quota alert fires; half the tenants have no
                    // subscription, so attributed and unattributed usage are both counted.
                    for tenant in 0..<(Self.tenants / 2) {
                        try await UsageFixtures.subscribe(tenant: "tenant_1m_\(tag)_\(tenant)", tag: "1m\(tag)\(tenant)", periodStart: periodStart,
                                                          price: .enterprise, database: database)
                    }
                    let intake = try await ServeProcess(["intake"])
                    try await TopologyDeclarer(connection: amqp).declare(try ConsumerDefinition.loadAll(
                        from: TestServers.repositoryRoot.appendingPathComponent("consumers").path))
                    _ = try await amqp.purgeQueue("billing.usage")
                    func startConsumer() async throws -> ServeProcess {
                        try await ServeProcess(["consume", "--consumer", "usage"]) {
                            try await amqp.inspectQueue("billing.usage").consumerCount > 0
                        }
                    }
                    var consumer = try await startConsumer()
                    // Event n: tenant n % tenants, quantity 1 + n % 7. Every tenth request is an
                    // earlier event again (same id, same body).
                    var expected = [Int64](repeating: 0, count: Self.tenants)
                    func event(_ n: Int) -> String {
                        #"{"id":"u1m_\#(tag)_\#(n)","type":"usage.recorded","occurred_at":"\#(occurredAt)","tenant_id":"tenant_1m_\#(tag)_\#(n % Self.tenants)","data":{"metric":"api_calls","quantity":\#(1 + n % 7)}}"#
                    }
                    func post(_ body: [UInt8]) async throws -> (status: Int, body: String, headers: [String: String]) {
                        let signature = WebhookSignatureVerifier.header(payload: body, secret: ServeProcess.internalSecret,
                                                                        timestamp: Int64(Date().timeIntervalSince1970))
                        return try await HTTP.request("\(intake.url)/v1/events", method: "POST", headers: [
                            "Content-Type": "application/json", "Billing-Signature": signature], body: body)
                    }
                    var rng = SystemRandomNumberGenerator()
                    var next = 0, sent = 0, batches = 0
                    let killAt: Set<Int> = [Self.total / Self.batch / 3, 2 * Self.total / Self.batch / 3]
                    while sent < Self.total {
                        var items: [String] = []
                        items.reserveCapacity(Self.batch)
                        while items.count < Self.batch && sent < Self.total {
                            if sent % 10 == 9 {
                                items.append(event(Int.random(in: 0..<next, using: &rng)))
                            } else {
                                expected[next % Self.tenants] += Int64(1 + next % 7)
                                items.append(event(next))
                                next += 1
                            }
                            sent += 1
                        }
                        let body = Array("[\(items.joined(separator: ","))]".utf8)
                        // As the platform does: a 503 (the broker did not confirm within the
                        // confirm timeout, which a loaded machine can exceed) is sent again; the
                        // events are the same, so a copy that did get through is absorbed.
                        var response = try await post(body)
                        var tries = 1
                        while response.status == 503 && tries < 30 {
                            try await Task.sleep(for: .milliseconds(500))
                            response = try await post(body)
                            tries += 1
                        }
                        try #require(response.status == 202, "batch \(batches): \(response.status) \(response.body) after \(tries) tries")
                        batches += 1
                        if killAt.contains(batches) {
                            consumer.crash()
                            consumer = try await startConsumer()
                        }
                    }
                    #expect(next == unique)
                    let recorded = try await eventually(timeout: .seconds(600)) {
                        let rows = try await database.client.query(
                            "SELECT count(*)::bigint FROM usage_events WHERE tenant_id LIKE \("tenant_1m_\(tag)_%")", logger: logger)
                        for try await count in rows.decode(Int.self) where count == unique {
                            return try await amqp.inspectQueue("billing.usage").messageCount == 0
                        }
                        return false
                    }
                    #expect(recorded, "not every event was recorded")
                    var sums = [Int64](repeating: -1, count: Self.tenants), totals = [Int64](repeating: 0, count: Self.tenants)
                    let rows = try await database.client.query("""
                        SELECT split_part(tenant_id, '_', 4)::int, sum(units)::bigint FROM usage_events
                         WHERE tenant_id LIKE \("tenant_1m_\(tag)_%") GROUP BY 1
                        """, logger: logger)
                    for try await (tenant, sum) in rows.decode((Int, Int64).self) { sums[tenant] = sum }
                    let windows = try await database.client.query("""
                        SELECT split_part(tenant_id, '_', 4)::int, units_sum FROM usage_totals
                         WHERE tenant_id LIKE \("tenant_1m_\(tag)_%") AND metric = 'api_calls'
                        """, logger: logger)
                    for try await (tenant, sum) in windows.decode((Int, Int64).self) { totals[tenant] = sum }
                    #expect(sums == expected, "per-tenant totals of usage_events")
                    // Subscribed tenants' windows hold the same totals; the others have none yet.
                    #expect(Array(totals[0..<(Self.tenants / 2)]) == Array(expected[0..<(Self.tenants / 2)]))
                    #expect(totals[(Self.tenants / 2)...].allSatisfy { $0 == 0 })
                    try await consumer.stop()
                    try await intake.stop()
                }
            }
        }
    }
}
