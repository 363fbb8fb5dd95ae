import AMQP
import BillingCore
import Foundation
import Messages
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

extension RunnerHarness {
    /// Publishes a platform command as the intake does, routed as `internal.<type>`.
    func publishCommand(id: String, type: String, tenant: String, data: [String: JSONValue]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let body = try encoder.encode(InternalEvent(id: id, type: type, occurredAt: Date(), tenantID: tenant, data: data))
        var properties = AMQPProperties(contentType: "application/json", messageID: id, type: type)
        properties.headers[MessageHeader.originalRoutingKey] = .string("internal.\(type)")
        try await publisher.publish(AMQPMessage(exchange: "", routingKey: consumer.queue, body: Array(body), properties: properties))
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
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(6).lowercased()
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
        }

        @Test func stripeFailingForAWhileIsRetriedByTheRunnerAndAppliesOnce() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(6).lowercased()
            // Three 500s: the client's two attempts fail, the runner retries the event, the
            // client's next two attempts meet the last 500 and then success.
            stripe.script("/v1/subscriptions", [.serverError, .serverError, .serverError])
            try await stripe.run { base in
                try await RunnerHarness.run(consumer: LifecycleConsumerTests.consumer(), handlers: [handler(base)]) { (harness) async throws -> Void in
                    try await seed(harness, tag: tag)
                    try await harness.publishCommand(id: "cmd_\(tag)", type: "subscription.cancel_requested", tenant: "tenant_\(tag)",
                                                     data: ["at_period_end": true, "reason": "too_expensive"])
                    #expect(try await eventually(timeout: .seconds(15)) { try await harness.command("cmd_\(tag)") == "sent" })
                    #expect(harness.metric("retried") == 1)
                }
            }
            #expect(stripe.requests.count == 4)
            #expect(Set(stripe.requests.map(\.idempotencyKey)) == ["cmd_\(tag):cancel"])
            #expect(stripe.effects.map(\.form) == [["cancel_at_period_end": "true", "cancellation_details[feedback]": "too_expensive"]])
        }

        @Test func aCrashAfterCallingStripeRepeatsTheCallWhichStripeAppliesOnce() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(6).lowercased()
            try await stripe.run { base in
                let failing = FailingOnceAfterWriting(inner: handler(base))
                try await RunnerHarness.run(consumer: LifecycleConsumerTests.consumer(batchSize: 1), handlers: [failing]) { (harness) async throws -> Void in
                    try await seed(harness, tag: tag)
                    try await harness.publishCommand(id: "cmd_\(tag)", type: "subscription.change_plan_requested", tenant: "tenant_\(tag)",
                                                     data: ["plan": "developer", "prorate": false])
                    #expect(try await eventually(timeout: .seconds(15)) { try await harness.command("cmd_\(tag)") == "sent" })
                }
            }
            let updates = stripe.requests.filter { $0.path == "/v1/subscriptions/sub_\(tag)" }
            #expect(updates.count == 2, "the rolled-back attempt and its retry")
            #expect(Set(updates.map(\.idempotencyKey)) == ["cmd_\(tag):update"])
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
