import AMQP
import Foundation
import Logging
import Messages
import PostgresNIO
import Prometheus
import Storage
import Stripe
import StripeFixtures
import Testing
import BillingCore

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

extension Integration {
    @Suite("Usage consumer against RabbitMQ and PostgreSQL")
    struct UsageConsumerTests {
        static func consumer() -> ConsumerDefinition {
            var consumer = RunnerHarness.consumer(maxAttempts: 3)
            consumer.prefetch = 500
            consumer.batchSize = 200
            consumer.concurrency = 2
            return consumer
        }

        static let plans = try! PlanCatalogFile.load(path: TestServers.repositoryRoot.appendingPathComponent("config/plans.yaml").path)

        /// A usage handler publishing (quota alerts) to the real broker.
        static func withHandler(now: @escaping @Sendable () -> Date = { Date() }, _ body: (UsageHandler) async throws -> Void) async throws {
            try await AMQPConnection.withConnection(configuration: TestServers.amqp, logger: TestServers.logger) { publisher in
                try await body(UsageHandler(plans: plans, publisher: publisher, registry: PrometheusCollectorRegistry(), now: now))
            }
        }

        static func report(_ id: String, tenant: String, metric: String = "api_calls", quantity: String = "1",
                           at: String = "2026-11-24T12:00:00Z") -> String {
            #"{"id":"\#(id)","type":"usage.recorded","occurred_at":"\#(at)","tenant_id":"\#(tenant)","data":{"metric":"\#(metric)","quantity":\#(quantity)}}"#
        }

        func publish(_ harness: RunnerHarness, _ bodies: [String]) async throws {
            var messages: [AMQPMessage] = []
            for body in bodies {
                let id = try JSONDecoder().decode(EnvelopeProbe.self, from: Data(body.utf8)).id
                var properties = AMQPProperties(contentType: "application/json", persistent: true, messageID: id, type: "usage.recorded")
                properties.headers[MessageHeader.originalRoutingKey] = .string("internal.usage.recorded")
                messages.append(AMQPMessage(exchange: "", routingKey: harness.consumer.queue, body: Array(body.utf8), properties: properties))
            }
            try await harness.publisher.publish(messages)
        }

        func totals(_ harness: RunnerHarness, tenant: String) async throws -> [String] {
            var found: [String] = []
            let rows = try await harness.database.client.query("""
                SELECT metric || ' ' || count(*) || ' ' || sum(units) || ' ' || bool_and(attributed) FROM usage_events
                 WHERE tenant_id = \(tenant) GROUP BY metric ORDER BY metric
                """, logger: harness.logger)
            for try await row in rows.decode(String.self) { found.append(row) }
            return found
        }

        @Test func duplicatesAndABadEventChangeNothingElseAndTotalsAreExact() async throws {
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_usage_\(tag)"
            var bodies = (0..<1_000).map { Self.report("use_\(tag)_\($0)", tenant: tenant, quantity: String($0 % 7)) }
            bodies += (0..<100).map { Self.report("use_\(tag)_\($0 * 10)", tenant: tenant, quantity: String(($0 * 10) % 7)) }  // 10% again
            bodies += (0..<50).map { Self.report("use_\(tag)_s\($0)", tenant: tenant, metric: "storage_gb", quantity: "1.5") }
            bodies.insert(Self.report("use_\(tag)_bad", tenant: tenant, metric: "cpu_minutes"), at: 500)
            bodies.insert(Self.report("use_\(tag)_frac", tenant: tenant, quantity: "2.5"), at: 700)
            bodies.shuffle()
            try await Self.withHandler { handler in try await RunnerHarness.run(consumer: Self.consumer(), handlers: [handler, handler]) { (harness) async throws -> Void in
                try await publish(harness, bodies)
                #expect(try await eventually(timeout: .seconds(30)) { try await harness.deadLetterCount() == 2 })
                #expect(try await eventually(timeout: .seconds(30)) {
                    harness.metric("processed") + harness.metric("duplicates") + 2 == bodies.count
                })
                let expectedCalls = (0..<1_000).reduce(0) { $0 + $1 % 7 }
                // Storage in MB: 50 reports of 1.5 GB are 75,000 MB exactly. No subscription: kept, not attributed.
                #expect(try await totals(harness, tenant: tenant) == ["api_calls 1000 \(expectedCalls) false", "storage_gb 50 75000 false"])
                let reasons = try await harness.deadLetters().map(\.reason).sorted()
                #expect(reasons.count == 2)
                #expect(reasons.contains { $0.contains("unknown metric cpu_minutes") })
                #expect(reasons.contains { $0.contains("quantity 2.5 must be a non-negative whole number") })
            } }
        }

        @Test func aCrashAfterWritingLeavesNothingAndTheRetryRecordsOnce() async throws {
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_usage_\(tag)"
            let bodies = (0..<300).map { Self.report("use_\(tag)_\($0)", tenant: tenant, quantity: "3") }
            try await Self.withHandler { handler in
            let failing = FailingOnceAfterWriting(inner: handler)
            try await RunnerHarness.run(consumer: Self.consumer(), handlers: [failing]) { (harness) async throws -> Void in
                try await publish(harness, bodies)
                #expect(try await eventually(timeout: .seconds(30)) { harness.metric("processed") == 300 })
                #expect(harness.metric("retried") == 300)
                #expect(try await totals(harness, tenant: tenant) == ["api_calls 300 900 false"])
            } }
        }
    
        @Test func quotaAlertsFireOnceAt80AndOnceAt100Percent() async throws {
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_quota_\(tag)"
            let periodStart = Int64(Date().timeIntervalSince1970) - 2 * 86_400
            try await Self.withHandler { handler in try await RunnerHarness.run(consumer: Self.consumer(), handlers: [handler]) { (harness) async throws -> Void in
                try await UsageFixtures.subscribe(tenant: tenant, tag: tag, periodStart: periodStart, price: .team, database: harness.database)
                // A queue of our own sees every notification request published.
                let requests = "test.quota.\(tag)"
                try await harness.publisher.declareQueue(requests, durable: false, autoDelete: false)
                try await harness.publisher.bindQueue(requests, exchange: BrokerNames.eventsExchange, routingKey: "internal.notification.requested")
                let at = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(periodStart + 3_600)))
                func send(_ ids: [String], _ quantity: Int) async throws {
                    try await publish(harness, ids.map { Self.report("use_\(tag)_\($0)", tenant: tenant, quantity: String(quantity), at: at) })
                }
                // Team allows 100,000 calls a period: 79,999 is below 80%, one more reaches it.
                try await send(["a"], 79_999)
                #expect(try await eventually { harness.metric("processed") == 1 })
                try await send(["b"], 1)
                #expect(try await eventually { harness.metric("processed") == 2 })
                try await send(["c", "d"], 5_000)  // 90%: nothing new
                try await send(["b"], 1)  // a duplicate: nothing at all
                try await send(["e"], 10_000)  // 100%
                try await send(["f", "g"], 7)  // past it: nothing new
                #expect(try await eventually { harness.metric("processed") == 7 })
                #expect(harness.metric("duplicates") == 1)
                let alerts = try await harness.database.client.query(
                    "SELECT threshold, used_units FROM usage_alerts WHERE tenant_id = \(tenant) ORDER BY threshold", logger: harness.logger)
                var recorded: [(Int, Int64)] = []
                for try await row in alerts.decode((Int, Int64).self) { recorded.append(row) }
                // Each at the usage of the batch that reached it (e may share a batch with f and g).
                #expect(recorded.map(\.0) == [80, 100])
                #expect(recorded.first?.1 == 80_000)
                #expect((100_000...100_014).contains(recorded.last?.1 ?? 0))
                var published: [String: Int] = [:]
                while let delivery = try await harness.publisher.get(queue: requests) {
                    struct Request: Decodable {
                        struct Payload: Decodable { var key: String; var template: String; var roles: [String] }
                        var id: String
                        var data: Payload
                    }
                    let request = try JSONDecoder().decode(Request.self, from: Data(delivery.body))
                    #expect(request.id == "notify:\(request.data.key)" && request.data.roles == ["billing", "admin"])
                    published["\(request.data.template) \(request.data.key)", default: 0] += 1
                    try await delivery.ack()
                }
                let end = periodStart + 30 * 86_400
                #expect(published == ["quota_warning quota:\(tenant):api_calls:\(end):80": 1, "quota_exceeded quota:\(tenant):api_calls:\(end):100": 1])
                #expect(try await totals(harness, tenant: tenant) == ["api_calls 7 100014 true"])
                try? await harness.publisher.deleteQueue(requests)  // clean-up only: a unique, non-durable queue
            } }
        }
}
}

/// A tenant with a live subscription, made as the lifecycle consumer makes one.
enum UsageFixtures {
    static func subscribe(tenant: String, tag: some StringProtocol, periodStart: Int64, price: StripeFixtures.Price = .team,
                          database: Database) async throws {
        let logger = TestServers.logger
        let plans = try PlanCatalogFile.load(path: TestServers.repositoryRoot.appendingPathComponent("config/plans.yaml").path)
        let lifecycle = LifecycleHandler(plans: plans, stripe: StripeClient(configuration: .init(apiKey: "sk_test", baseURL: "http://127.0.0.1:9"),
                                                                           logger: logger), registry: PrometheusCollectorRegistry())
        try await database.client.withTransaction(logger: logger) { connection in
            for (id, body) in [
                ("evt_c_\(tag)", StripeFixtures.customerEvent(id: "evt_c_\(tag)", created: periodStart, customer: "cus_\(tag)", tenant: tenant)),
                ("evt_s_\(tag)", StripeFixtures.subscriptionEvent(id: "evt_s_\(tag)", created: periodStart + 1, subscription: "sub_\(tag)",
                                                                  customer: "cus_\(tag)", status: "active", price: price, periodStart: periodStart)),
            ] {
                try await lifecycle.handle(InboundEvent(id: id, routingKey: "stripe.x", type: nil, body: Array(body.utf8), attempt: 1),
                                           connection: connection, logger: logger)
            }
        }
    }
}
