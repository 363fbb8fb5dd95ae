import AMQP
import BillingCore
import Foundation
import Messages
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

extension RunnerHarness {
    /// Publishes a platform command as the intake does, routed as `internal.<type>`.
    func publishCommand(id: String, type: String, tenant: String, data: [String: JSONValue]) async throws {
        let body = try Self.commandBody(id: id, type: type, tenant: tenant, data: data)
        var properties = AMQPProperties(contentType: "application/json", messageID: id, type: type)
        properties.headers[MessageHeader.originalRoutingKey] = .string("internal.\(type)")
        try await publisher.publish(AMQPMessage(exchange: "", routingKey: consumer.queue, body: Array(body), properties: properties))
    }

    /// A platform command's body as the intake publishes it.
    static func commandBody(id: String, type: String, tenant: String, data: [String: JSONValue]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(InternalEvent(id: id, type: type, occurredAt: Date(), tenantID: tenant, data: data)))
    }

    func command(_ id: String) async throws -> String? {
        try await scalar("SELECT status || coalesce(': ' || reason, '') FROM lifecycle_commands WHERE command_id = \(id)", as: String.self)
    }
}

extension Integration {
    @Suite("Lifecycle commands through Stripe (fake API)")
    struct LifecycleCommandFlowTests {
        func handler(_ base: String) -> LifecycleHandler {
            let stripe = StripeClient(configuration: StripeAPIConfiguration(apiKey: "sk_test_cmd", baseURL: base, timeout: .seconds(2),
                                                                            retry: StripeRetryPolicy(maxAttempts: 2)),
                                      logger: TestServers.logger, sleep: { _ in }, jitter: { 0 })
            return LifecycleHandler(plans: LifecycleConsumerTests.plans, stripe: stripe, registry: PrometheusCollectorRegistry())
        }

        /// A tenant on Team with one subscription, applied from webhooks.
        func seed(_ harness: RunnerHarness, tag: String, status: String = "active", cancelAtPeriodEnd: Bool = false) async throws {
            try await harness.publishStripe(StripeFixtures.customerEvent(id: "evt_\(tag)_c", created: 100, customer: "cus_\(tag)",
                                                                         tenant: "tenant_\(tag)"))
            try await harness.publishStripe(StripeFixtures.subscriptionEvent(id: "evt_\(tag)_s", created: 101, subscription: "sub_\(tag)",
                                                                             customer: "cus_\(tag)", status: status, cancelAtPeriodEnd: cancelAtPeriodEnd))
            #expect(try await eventually { harness.metric("processed") >= 2 })
        }

        @Test func aPlanChangeCallsStripeOnceAndIsConfirmedByItsWebhook() async throws {
            let tag = UUID().uuidString.prefix(6).lowercased()
            // Asked while Stripe is being called: is the subscription's lock free?
            let lockFree = Mutex<[String]>([])
            let stripe = FakeStripe { _ in
                // A probe that fails is recorded as its error, so the expectation below shows it.
                let answer: String
                do { answer = try await LockProbe.lifecycleObjectIsFree("sub_\(tag)") ? "free" : "held" } catch { answer = "probe failed: \(error)" }
                lockFree.withLock { $0.append(answer) }
            }
            try await stripe.run { base in
                try await RunnerHarness.run(consumer: LifecycleConsumerTests.consumer(), handlers: [handler(base)]) { (harness) async throws -> Void in
                    try await seed(harness, tag: tag)
                    for _ in 0..<2 {  // delivered twice: one call
                        try await harness.publishCommand(id: "cmd_\(tag)", type: "subscription.change_plan_requested", tenant: "tenant_\(tag)",
                                                         data: ["plan": "enterprise", "prorate": true, "effective": "immediate"])
                    }
                    #expect(try await eventually { harness.metric("processed") + harness.metric("duplicates") == 4 })
                    #expect(try await harness.command("cmd_\(tag)") == "sent")
                    // Stripe's webhook showing the new price confirms the command.
                    try await harness.publishStripe(StripeFixtures.subscriptionEvent(
                        id: "evt_\(tag)_s2", created: 200, subscription: "sub_\(tag)", customer: "cus_\(tag)", status: "active", price: .enterprise))
                    #expect(try await eventually { try await harness.command("cmd_\(tag)") == "confirmed" })
                }
            }
            #expect(stripe.effects.count == 1)
            let call = try #require(stripe.effects.first)
            #expect(call.path == "/v1/subscriptions/sub_\(tag)")
            #expect(call.form == ["items[0][id]": "si_sub_\(tag)", "items[0][price]": "price_enterprise_monthly",
                                  "proration_behavior": "create_prorations"])
            #expect(call.idempotencyKey == "cmd_\(tag):update")
            #expect(call.authorization == "Bearer sk_test_cmd")
            #expect(lockFree.withLock { $0 } == ["free"], "Stripe was called while the command's transaction held the subscription's lock")
        }

        @Test func stripeFailingForAWhileIsRetriedByTheRunnerAndAppliesOnce() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(6).lowercased()
            // Three 500s: the client's two attempts fail, the call is tried again after the
            // consumer's retry delay (a sweep), and the client's next two attempts meet the last
            // 500 and then success. The event itself was acknowledged at once.
            stripe.script("/v1/subscriptions", [.serverError, .serverError, .serverError])
            try await stripe.run { base in
                try await RunnerHarness.run(consumer: LifecycleConsumerTests.consumer(), handlers: [handler(base)]) { (harness) async throws -> Void in
                    try await seed(harness, tag: tag)
                    try await harness.publishCommand(id: "cmd_\(tag)", type: "subscription.cancel_requested", tenant: "tenant_\(tag)",
                                                     data: ["at_period_end": true, "reason": "too_expensive"])
                    #expect(try await eventually { try await harness.command("cmd_\(tag)") == "pending" })
                    #expect(try await eventually(timeout: .seconds(15)) { try await harness.command("cmd_\(tag)") == "sent" })
                    #expect(harness.metric("calls_retried") == 1)
                    #expect(harness.metric("calls_completed") == 1)
                    #expect(harness.metric("retried") == 0)
                }
            }
            #expect(stripe.requests.count == 4)
            #expect(Set(stripe.requests.map(\.idempotencyKey)) == ["cmd_\(tag):cancel"])
            #expect(stripe.effects.map(\.form) == [["cancel_at_period_end": "true", "cancellation_details[feedback]": "too_expensive"]])
        }

        @Test func aCallLeftByACrashIsMadeAgainByASweepWithTheSameKeyAndRecordedOnce() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(6).lowercased()
            let consumer = LifecycleConsumerTests.consumer(batchSize: 1)
            let logger = TestServers.logger
            try await stripe.run { base in
                try await RunnerHarness.run(consumer: consumer, handlers: [handler(base)], keepQueues: true) { (harness) async throws -> Void in
                    try await seed(harness, tag: tag)
                }
                // What a process leaves when it dies after its call and before recording the
                // answer: the decision committed, the call taken and made, the outcome missing.
                let crashed = handler(base)
                let event = InboundEvent(id: "cmd_\(tag)", routingKey: "internal.subscription.change_plan_requested",
                                         type: "subscription.change_plan_requested",
                                         body: try RunnerHarness.commandBody(id: "cmd_\(tag)", type: "subscription.change_plan_requested",
                                                                             tenant: "tenant_\(tag)", data: ["plan": "developer", "prorate": false]),
                                         attempt: 1, consumer: consumer.name)
                try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                    try await database.client.transaction(logger: logger) { connection in
                        try await crashed.handle(event, connection: connection, logger: logger)
                    }
                    let taken = try await PendingCallStore.withConnection(on: database.client, logger: logger) {
                        try await $0.take(consumer: consumer.name, eventIDs: [event.id], lease: .seconds(1))
                    }
                    #expect(taken.count == 1)
                    let pending = try JSONDecoder().decode(CommandExecutor.PendingCommand.self, from: Data(try #require(taken.first).payload.utf8))
                    var requestIDs: [String] = []
                    try await crashed.commands.send(pending.decision, requestIDs: &requestIDs)
                }
                #expect(stripe.effects.count == 1)
                try await Task.sleep(for: .milliseconds(1_200))  // the dead process's claim runs out
                try await RunnerHarness.run(consumer: consumer, handlers: [handler(base)], keepEffects: true) { (harness) async throws -> Void in
                    #expect(try await eventually(timeout: .seconds(10)) { try await harness.command("cmd_\(tag)") == "sent" })
                    #expect(try await harness.scalar("SELECT count(*) FROM pending_calls WHERE consumer = \(consumer.name)", as: Int.self) == 0)
                    #expect(harness.metric("calls_completed") == 1)
                }
            }
            let updates = stripe.requests.filter { $0.path == "/v1/subscriptions/sub_\(tag)" }
            #expect(updates.count == 2, "the dead process's call and the sweep's")
            #expect(Set(updates.map(\.idempotencyKey)) == ["cmd_\(tag):update"])
            #expect(stripe.effects.count == 1)
        }

        @Test func anAttemptOutlastingItsLeaseIsCutAndMadeAgainWithTheSameKey() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(6).lowercased()
            // The first answer comes after 5 s (the client's timeout is 2 s): the lease of 2 s
            // cuts the attempt a second before it runs out, before the client gives up.
            stripe.script("/v1/subscriptions", [.hang(.seconds(5))])
            try await stripe.run { base in
                try await RunnerHarness.run(consumer: LifecycleConsumerTests.consumer(), handlers: [handler(base)],
                                            callLease: .seconds(2)) { (harness) async throws -> Void in
                    try await seed(harness, tag: tag)
                    try await harness.publishCommand(id: "cmd_\(tag)", type: "subscription.cancel_requested", tenant: "tenant_\(tag)",
                                                     data: ["at_period_end": true])
                    #expect(try await eventually(timeout: .seconds(15)) { try await harness.command("cmd_\(tag)") == "sent" })
                    #expect(harness.metric("calls_retried") == 1)
                }
            }
            #expect(Set(stripe.requests.map(\.idempotencyKey)) == ["cmd_\(tag):cancel"])
            #expect(stripe.effects.count == 1)
        }

        @Test func aDeclinedPaymentFailsTheCommandWithTheReasonAndIsNotRetried() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(6).lowercased()
            stripe.script("/v1/invoices", [.decline()])
            try await stripe.run { base in
                try await RunnerHarness.run(consumer: LifecycleConsumerTests.consumer(), handlers: [handler(base)]) { (harness) async throws -> Void in
                    try await seed(harness, tag: tag, status: "past_due", cancelAtPeriodEnd: true)
                    try await harness.publishStripe(StripeFixtures.invoiceEvent(
                        id: "evt_\(tag)_i", type: "invoice.payment_failed", created: 150, invoice: "in_\(tag)", customer: "cus_\(tag)",
                        subscription: "sub_\(tag)", status: "open", attemptCount: 1))
                    #expect(try await eventually { harness.metric("processed") == 3 })
                    try await harness.publishCommand(id: "cmd_\(tag)", type: "subscription.reactivate_requested", tenant: "tenant_\(tag)",
                                                     data: ["new_payment_method_id": "pm_card_chargeDeclined"])
                    #expect(try await eventually { try await harness.command("cmd_\(tag)")?.hasPrefix("failed") == true })
                    let outcome = try await harness.command("cmd_\(tag)") ?? ""
                    #expect(outcome.contains("card_declined"), "\(outcome)")
                    #expect(harness.metric("retried") == 0)
                    #expect(try await harness.deadLetterCount() == 0)
                }
            }
            #expect(stripe.requests.map(\.path) == ["/v1/payment_methods/pm_card_chargeDeclined/attach", "/v1/customers/cus_\(tag)",
                                                    "/v1/subscriptions/sub_\(tag)", "/v1/invoices/in_\(tag)/pay"])
        }

        @Test func aCommandForATenantWithoutASubscriptionIsRejectedWithoutACall() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(6).lowercased()
            try await stripe.run { base in
                try await RunnerHarness.run(consumer: LifecycleConsumerTests.consumer(), handlers: [handler(base)]) { (harness) async throws -> Void in
                    try await harness.publishCommand(id: "cmd_\(tag)", type: "subscription.cancel_requested", tenant: "nobody_\(tag)", data: [:])
                    #expect(try await eventually { try await harness.command("cmd_\(tag)") == "rejected: the tenant has no subscription" })
                    // A malformed command is bad input: dead-lettered at once, naming the field.
                    try await harness.publishCommand(id: "cmd_\(tag)_bad", type: "subscription.change_plan_requested", tenant: "nobody_\(tag)",
                                                     data: ["plan": "platinum"])
                    #expect(try await eventually { try await harness.deadLetterCount() == 1 })
                    #expect(try await harness.deadLetters().first?.reason.contains("data.plan") == true)
                }
            }
            #expect(stripe.requests.isEmpty)
        }
    }
}
