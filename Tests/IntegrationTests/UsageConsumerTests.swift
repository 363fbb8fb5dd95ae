import AMQP
import Foundation
import Logging
import PostgresNIO
import Prometheus
import Storage
import Testing

@testable import Workers

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

        static func report(_ id: String, tenant: String, metric: String = "api_calls", quantity: String = "1",
                           at: String = "2026-11-24T12:00:00Z") -> String {
            #"{"id":"\#(id)","type":"usage.recorded","occurred_at":"\#(at)","tenant_id":"\#(tenant)","data":{"metric":"\#(metric)","quantity":\#(quantity)}}"#
        }

        func publish(_ harness: RunnerHarness, _ bodies: [String]) async throws {
            var messages: [AMQPMessage] = []
            for body in bodies {
                let id = try JSONDecoder().decode(EnvelopeProbe.self, from: Data(body.utf8)).id
                var properties = AMQPProperties(contentType: "application/json", persistent: true, messageID: id, type: "usage.recorded")
                properties.headers[EventHeaders.originalRoutingKey] = .string("internal.usage.recorded")
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
            let handler = UsageHandler(registry: PrometheusCollectorRegistry())
            try await RunnerHarness.run(consumer: Self.consumer(), handlers: [handler, handler]) { (harness) async throws -> Void in
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
            }
        }

        @Test func aCrashAfterWritingLeavesNothingAndTheRetryRecordsOnce() async throws {
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_usage_\(tag)"
            let bodies = (0..<300).map { Self.report("use_\(tag)_\($0)", tenant: tenant, quantity: "3") }
            let failing = FailingOnceAfterWriting(inner: UsageHandler(registry: PrometheusCollectorRegistry()))
            try await RunnerHarness.run(consumer: Self.consumer(), handlers: [failing]) { (harness) async throws -> Void in
                try await publish(harness, bodies)
                #expect(try await eventually(timeout: .seconds(30)) { harness.metric("processed") == 300 })
                #expect(harness.metric("retried") == 300)
                #expect(try await totals(harness, tenant: tenant) == ["api_calls 300 900 false"])
            }
        }
    }
}
