import AMQP
import BillingCore
import Foundation
import Logging
import Messages
import PostgresNIO
import Prometheus
import Storage
import Stripe
import StripeFixtures
import Synchronization
import Testing

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

/// A handler (lifecycle, usage) failing its first attempt at each event after doing all its
/// writes: a crash mid-way must leave nothing behind.
struct FailingOnceAfterWriting: EventHandler {
    let inner: any EventHandler

    func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        try await handle(batch: [event], connection: connection, logger: logger)
    }

    func handle(batch events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws {
        try await inner.handle(batch: events, connection: connection, logger: logger)
        if events.contains(where: { $0.attempt == 1 }) { throw TransientFailure("crashed after writing") }
    }
}

extension RunnerHarness {
    /// Publishes a Stripe event straight to the test queue, as if routed by `stripe.<type>`.
    func publishStripe(_ body: String) async throws {
        let envelope = try JSONDecoder().decode(EnvelopeProbe.self, from: Data(body.utf8))
        var properties = AMQPProperties(contentType: "application/json", messageID: envelope.id, type: envelope.type)
        properties.headers[MessageHeader.originalRoutingKey] = .string("stripe.\(envelope.type)")
        try await publisher.publish(AMQPMessage(exchange: "", routingKey: consumer.queue, body: Array(body.utf8), properties: properties))
    }

    func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as: T.Type) async throws -> T? {
        for try await value in try await database.client.query(query, logger: logger).decode(T.self) { return value }
        return nil
    }
}

struct EnvelopeProbe: Decodable {
    var id: String
    var type: String
}

extension Integration {
    @Suite("Lifecycle consumer against RabbitMQ and PostgreSQL")
    struct LifecycleConsumerTests {
        static let plans = try! PlanCatalogFile.load(path: TestServers.repositoryRoot.appendingPathComponent("config/plans.yaml").path)

        static func consumer(batchSize: Int = 50, concurrency: Int = 4) -> ConsumerDefinition {
            var consumer = RunnerHarness.consumer(maxAttempts: 3)
            consumer.prefetch = 200
            consumer.batchSize = batchSize
            consumer.concurrency = concurrency
            return consumer
        }

        func handler() -> LifecycleHandler {
            // No call reaches Stripe in these tests: nothing listens on port 9.
            LifecycleHandler(plans: Self.plans, stripe: StripeClient(configuration: StripeAPIConfiguration(apiKey: "sk_test", baseURL: "http://127.0.0.1:9"),
                                                                     logger: TestServers.logger),
                             registry: PrometheusCollectorRegistry())
        }

        /// The events of one subscription's life, in order: trial, active, a failed payment,
        /// recovery, cancellation at period end, deletion. `length` cuts it short.
        func life(_ tag: String, length: Int) -> [String] {
            let sub = "sub_\(tag)", cus = "cus_\(tag)", inv = "in_\(tag)"
            let all = [
                StripeFixtures.customerEvent(id: "evt_\(tag)_00", type: "customer.created", created: 90, customer: cus, tenant: "tenant_\(tag)",
                                             email: "billing@\(tag).test"),
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_01", type: "customer.subscription.created", created: 100, subscription: sub,
                                                 customer: cus, status: "trialing"),
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_02", created: 200, subscription: sub, customer: cus, status: "active"),
                StripeFixtures.invoiceEvent(id: "evt_\(tag)_03", type: "invoice.payment_failed", created: 250, invoice: inv, customer: cus,
                                            subscription: sub, status: "open", attemptCount: 1),
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_04", created: 300, subscription: sub, customer: cus, status: "past_due"),
                StripeFixtures.invoiceEvent(id: "evt_\(tag)_05", type: "invoice.paid", created: 400, invoice: inv, customer: cus,
                                            subscription: sub, status: "paid", amountPaid: 20_000, attemptCount: 2, paidAt: 400),
                StripeFixtures.invoiceEvent(id: "evt_\(tag)_06", type: "invoice.payment_succeeded", created: 400, invoice: inv, customer: cus,
                                            subscription: sub, status: "paid", amountPaid: 20_000, attemptCount: 2, paidAt: 400),
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_07", created: 401, subscription: sub, customer: cus, status: "active"),
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_08", created: 500, subscription: sub, customer: cus, status: "active",
                                                 cancelAtPeriodEnd: true),
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_09", type: "customer.subscription.deleted", created: 600, subscription: sub,
                                                 customer: cus, status: "canceled", cancelAtPeriodEnd: true),
            ]
            return Array(all.prefix(length))
        }

        func status(_ harness: RunnerHarness, _ subscription: String) async throws -> String? {
            try await harness.scalar("SELECT status || '@' || last_event_id FROM subscriptions WHERE stripe_subscription_id = \(subscription)",
                                     as: String.self)
        }

        @Test func shuffledDuplicatedDeliveryToTwoWorkersEndsAsInOrderDelivery() async throws {
            var generator = SystemRandomNumberGenerator()
            let run = UUID().uuidString.prefix(6).lowercased()
            let lives = (0..<30).map { index in ("\(run)\(index)", Int.random(in: 2...10, using: &generator)) }
            let events = lives.flatMap { life($0.0, length: $0.1) }
            var delivered = events.shuffled(using: &generator)
            for event in events where Int.random(in: 0..<5, using: &generator) == 0 {
                delivered.insert(event, at: Int.random(in: 0...delivered.count, using: &generator))
            }
            try await RunnerHarness.run(consumer: Self.consumer(), handlers: [handler(), handler()]) { (harness) async throws -> Void in
                for body in delivered { try await harness.publishStripe(body) }
                #expect(try await eventually(timeout: .seconds(30)) {
                    harness.metric("processed") + harness.metric("duplicates") == delivered.count
                })
                #expect(harness.metric("processed") == events.count)
                #expect(try await harness.deadLetterCount() == 0)
                for (tag, length) in lives {
                    // In order, the last subscription event of the cut-short life wins.
                    let lastSubscriptionEvent = [1, 2, 4, 7, 8, 9].last { $0 < length }!
                    let expectedStatus = ["trialing", "trialing", "active", "active", "past_due", "past_due", "past_due",
                                          "active", "active", "canceled"][lastSubscriptionEvent]
                    #expect(try await status(harness, "sub_\(tag)") == "\(expectedStatus)@evt_\(tag)_0\(lastSubscriptionEvent)",
                            "life \(tag) of \(length) events")
                    if length > 3 {
                        let invoice = try await harness.scalar(
                            "SELECT status || '/' || attempt_count FROM invoices WHERE stripe_invoice_id = \("in_\(tag)")", as: String.self)
                        #expect(invoice == (length > 5 ? "paid/2" : "open/1"))
                    }
                }
                let ids = events.map { String($0.dropFirst(7).prefix { $0 != "\"" }) }
                #expect(try await harness.scalar("SELECT count(*) FROM stripe_events WHERE id = ANY(\(ids))", as: Int.self) == events.count)
                let tenants = lives.map { "tenant_\($0.0)" }
                #expect(try await harness.scalar(
                    "SELECT count(*) FROM billing_accounts WHERE tenant_id = ANY(\(tenants))", as: Int.self) == lives.count)
            }
        }

        @Test func inOrderDeliveryRecordsEveryTransitionAndMovementOnce() async throws {
            let tag = UUID().uuidString.prefix(6).lowercased()
            let events = life(tag, length: 10)
            try await RunnerHarness.run(consumer: Self.consumer(batchSize: 1, concurrency: 1), handlers: [handler()]) { (harness) async throws -> Void in
                for body in events + events { try await harness.publishStripe(body) }
                #expect(try await eventually(timeout: .seconds(20)) {
                    harness.metric("processed") + harness.metric("duplicates") == events.count * 2
                })
                let rows = try await harness.database.client.query(
                    "SELECT coalesce(from_status, '-') || '>' || to_status || ':' || kind FROM subscription_transitions WHERE stripe_subscription_id = \("sub_\(tag)") ORDER BY event_created, event_id",
                    logger: harness.logger)
                var transitions: [String] = []
                for try await row in rows.decode(String.self) { transitions.append(row) }
                #expect(transitions == ["->trialing:initial", "trialing>active:expected", "active>past_due:expected",
                                        "past_due>active:expected", "active>canceled:expected"])
                let movements = try await harness.database.client.query(
                    "SELECT kind || ':' || from_mrr || '>' || to_mrr FROM mrr_movements WHERE stripe_subscription_id = \("sub_\(tag)") ORDER BY occurred_at",
                    logger: harness.logger)
                var kinds: [String] = []
                for try await row in movements.decode(String.self) { kinds.append(row) }
                #expect(kinds == ["new:0>20000", "churn:20000>0"])
                #expect(try await harness.scalar(
                    "SELECT count(*) FROM invoices WHERE stripe_invoice_id = \("in_\(tag)") AND paid_at = to_timestamp(400)", as: Int.self) == 1)
            }
        }

        @Test func anUndecodableEventInABatchIsDeadLetteredAloneAndTheRestApplied() async throws {
            let tag = UUID().uuidString.prefix(6).lowercased()
            let good = (0..<20).map {
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_g\($0)", created: 100, subscription: "sub_\(tag)_\($0)", customer: "cus_\(tag)",
                                                 status: "active")
            }
            let bad = #"{"id":"evt_\#(tag)_bad","object":"event","type":"customer.subscription.updated","created":1,"data":{"object":{"id":"sub_x","customer":"cus_x","items":{"data":[]}}}}"#
            try await RunnerHarness.run(consumer: Self.consumer(), handlers: [handler()]) { (harness) async throws -> Void in
                for body in good[..<10] + [bad] + good[10...] { try await harness.publishStripe(body) }
                #expect(try await eventually(timeout: .seconds(20)) { try await harness.deadLetterCount() == 1 })
                #expect(try await eventually { harness.metric("processed") == 20 })
                let letter = try #require(try await harness.deadLetters().first)
                #expect(letter.id == "evt_\(tag)_bad")
                #expect(letter.attempts == 1, "a payload that cannot be decoded is not retried")
                #expect(letter.reason.contains("missing field data.object.status"), "\(letter.reason)")
                #expect(try await harness.scalar(
                    "SELECT count(*) FROM subscriptions WHERE stripe_customer_id = \("cus_\(tag)") AND status = 'active'", as: Int.self) == 20)
            }
        }

        @Test func aCrashAfterWritingLeavesNothingAndTheRetryAppliesOnce() async throws {
            let tag = UUID().uuidString.prefix(6).lowercased()
            let events = life(tag, length: 3)
            let failing = FailingOnceAfterWriting(inner: handler())
            try await RunnerHarness.run(consumer: Self.consumer(), handlers: [failing]) { (harness) async throws -> Void in
                // One at a time: each event's retry must land before the next, or the retries
                // could reorder them (then an older snapshot is rightly skipped as stale, and
                // the history has fewer transitions than this test counts).
                for (index, body) in events.enumerated() {
                    try await harness.publishStripe(body)
                    #expect(try await eventually(timeout: .seconds(20)) { harness.metric("processed") == index + 1 })
                }
                #expect(harness.metric("retried") == events.count)
                #expect(try await status(harness, "sub_\(tag)") == "active@evt_\(tag)_02")
                let ids = (0..<3).map { "evt_\(tag)_0\($0)" }
                #expect(try await harness.scalar("SELECT count(*) FROM stripe_events WHERE id = ANY(\(ids))", as: Int.self) == 3)
                #expect(try await harness.scalar(
                    "SELECT count(*) FROM subscription_transitions WHERE stripe_subscription_id = \("sub_\(tag)")", as: Int.self) == 2)
                #expect(try await harness.scalar(
                    "SELECT count(*) FROM mrr_movements WHERE stripe_subscription_id = \("sub_\(tag)")", as: Int.self) == 1)
            }
        }
    }
}
