import BillingCore
import ConfigurationFiles
import ConsumerRuntime
import Foundation
import Messages
import Storage
import Stripe
import Testing

@testable import Lifecycle

@Suite("Lifecycle commands")
struct LifecycleCommandsTests {
    let plans = try! PlanCatalogFile.load(path: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/plans.yaml").path)

    func subscription(status: SubscriptionStatus = .active, cancelAtPeriodEnd: Bool = false) -> SubscriptionRecord {
        SubscriptionRecord(stripeSubscriptionID: "sub_1", stripeCustomerID: "cus_1", tenantID: "t1", tier: .team, status: status,
                           priceID: "price_team_monthly", quantity: 3, currency: "usd", monthlyAmount: 60_000, mrr: 60_000, percentOff: nil,
                           amountOff: nil, trialStart: nil, trialEnd: nil, currentPeriodStart: Date(timeIntervalSince1970: 1_764_000_000),
                           currentPeriodEnd: Date(timeIntervalSince1970: 1_766_592_000), cancelAtPeriodEnd: cancelAtPeriodEnd, cancelAt: nil,
                           canceledAt: nil, endedAt: nil, pauseBehavior: nil, created: nil, version: .init(created: 1, eventID: "evt_1"))
    }

    let item = SubscriptionItemRecord(stripeItemID: "si_1", stripeSubscriptionID: "sub_1", priceID: "price_team_monthly", tier: .team,
                                      quantity: 3, unitAmount: 20_000, currency: "usd", recurringInterval: "month", intervalCount: 1,
                                      currentPeriodStart: nil, currentPeriodEnd: nil)

    func decide(_ command: LifecycleCommand, subscription: SubscriptionRecord? = nil, items: [SubscriptionItemRecord]? = nil,
                openInvoice: InvoiceRecord? = nil) -> CommandDecision {
        CommandPlanner.decide(command, commandID: "cmd_1", subscription: subscription ?? self.subscription(), items: items ?? [item],
                              openInvoice: openInvoice, plans: plans)
    }

    func event(_ type: String, _ data: [String: JSONValue]) -> InternalEvent {
        InternalEvent(id: "cmd_1", type: type, occurredAt: Date(), tenantID: "t1", data: data)
    }

    @Test func commandsAreReadFromInternalEventsAndBadOnesNameTheField() throws {
        #expect(try LifecycleCommand.parse(event("subscription.change_plan_requested", ["plan": "enterprise", "prorate": false,
                                                                                        "effective": "period_end"]))
            == .changePlan(tier: .enterprise, prorate: false, effective: .periodEnd))
        #expect(try LifecycleCommand.parse(event("subscription.cancel_requested", ["at_period_end": true, "reason": "too_expensive"]))
            == .cancel(atPeriodEnd: true, reason: "too_expensive", feedback: nil))
        #expect(try LifecycleCommand.parse(event("subscription.reactivate_requested", ["new_payment_method_id": "pm_1"]))
            == .reactivate(paymentMethod: "pm_1"))
        #expect(throws: PermanentFailure.self) { try LifecycleCommand.parse(event("subscription.change_plan_requested", ["plan": "gold"])) }
        #expect(throws: PermanentFailure.self) {
            try LifecycleCommand.parse(event("subscription.change_plan_requested", ["plan": "team", "prorate": "yes"]))
        }
    }

    @Test func anImmediateChangeUpdatesTheItemWithProration() {
        #expect(decide(.changePlan(tier: .enterprise, prorate: true, effective: .immediate)) == .call([
            StripeRequest(.post, "/v1/subscriptions/sub_1", form: [.init("items[0][id]", "si_1"), .init("items[0][price]", "price_enterprise_monthly"),
                                                                   .init("proration_behavior", "create_prorations")],
                          idempotencyKey: "cmd_1:update"),
        ], expect: .init(priceID: "price_enterprise_monthly")))
        guard case .call(let calls, _) = decide(.changePlan(tier: .developer, prorate: false, effective: .immediate)) else {
            Issue.record("expected calls")
            return
        }
        #expect(calls.first?.form.last == .init("proration_behavior", "none"))
    }

    @Test func aPeriodEndChangeGoesThroughASubscriptionSchedule() {
        #expect(decide(.changePlan(tier: .enterprise, prorate: true, effective: .periodEnd)) == .schedule(
            create: StripeRequest(.post, "/v1/subscription_schedules", form: [.init("from_subscription", "sub_1")], idempotencyKey: "cmd_1:schedule"),
            newPriceID: "price_enterprise_monthly", currentPriceID: "price_team_monthly", quantity: 3, periodEnd: 1_766_592_000,
            updateKey: "cmd_1:phases", expect: .init(priceID: "price_enterprise_monthly")))
    }

    @Test func cancellationsAtPeriodEndOrNowCarryTheReason() {
        #expect(decide(.cancel(atPeriodEnd: true, reason: "too_expensive", feedback: "we found cheaper")) == .call([
            StripeRequest(.post, "/v1/subscriptions/sub_1", form: [.init("cancel_at_period_end", "true"),
                                                                   .init("cancellation_details[feedback]", "too_expensive"),
                                                                   .init("cancellation_details[comment]", "we found cheaper")],
                          idempotencyKey: "cmd_1:cancel"),
        ], expect: .init(cancelAtPeriodEnd: true)))
        #expect(decide(.cancel(atPeriodEnd: false, reason: "merger", feedback: nil)) == .call([
            StripeRequest(.delete, "/v1/subscriptions/sub_1", form: [.init("cancellation_details[comment]", "merger")],
                          idempotencyKey: "cmd_1:cancel"),
        ], expect: .init(status: .canceled)))
    }

    @Test func reactivationClearsTheCancellationAndPaysTheOpenInvoiceWithTheNewMethod() {
        let open = InvoiceRecord(stripeInvoiceID: "in_9", stripeCustomerID: "cus_1", stripeSubscriptionID: "sub_1", status: "open",
                                 currency: "usd", amountDue: 60_000, amountPaid: 0, amountRemaining: 60_000, attemptCount: 2,
                                 nextPaymentAttempt: nil, billingReason: nil, hostedInvoiceURL: nil, created: nil, paidAt: nil,
                                 version: .init(created: 2, eventID: "evt_2"))
        let decision = decide(.reactivate(paymentMethod: "pm_new"), subscription: subscription(status: .pastDue, cancelAtPeriodEnd: true),
                              openInvoice: open)
        #expect(decision == .call([
            StripeRequest(.post, "/v1/payment_methods/pm_new/attach", form: [.init("customer", "cus_1")], idempotencyKey: "cmd_1:attach"),
            StripeRequest(.post, "/v1/customers/cus_1", form: [.init("invoice_settings[default_payment_method]", "pm_new")],
                          idempotencyKey: "cmd_1:default"),
            StripeRequest(.post, "/v1/subscriptions/sub_1", form: [.init("cancel_at_period_end", "false")], idempotencyKey: "cmd_1:resume"),
            StripeRequest(.post, "/v1/invoices/in_9/pay", form: [.init("payment_method", "pm_new")], idempotencyKey: "cmd_1:pay"),
        ], expect: .init(cancelAtPeriodEnd: false)))
    }

    /// The platform's `new_payment_method_id` goes into a URL path: percent-encoded, it stays one
    /// segment and cannot reach another endpoint.
    @Test func aHostilePaymentMethodIdStaysOnePathSegment() {
        let decision = decide(.reactivate(paymentMethod: "pm_1/../../v1/customers/cus_2?x=1"),
                              subscription: subscription(status: .active, cancelAtPeriodEnd: true))
        guard case .call(let calls, _) = decision else { Issue.record("expected calls, got \(decision)"); return }
        #expect(calls.first?.description == "POST /v1/payment_methods/pm_1%2F..%2F..%2Fv1%2Fcustomers%2Fcus_2%3Fx%3D1/attach")
    }

    @Test func commandsThatDoNotFitAreRejectedWithoutACall() {
        #expect(CommandPlanner.decide(.cancel(atPeriodEnd: true, reason: nil, feedback: nil), commandID: "c", subscription: nil, items: [],
                                      openInvoice: nil, plans: plans) == .reject("the tenant has no subscription"))
        #expect(decide(.changePlan(tier: .team, prorate: true, effective: .immediate)) == .reject("subscription sub_1 is already on team"))
        #expect(decide(.reactivate(paymentMethod: nil)) == .reject("subscription sub_1 is not set to cancel and no new payment method was given"))
        #expect(decide(.cancel(atPeriodEnd: true, reason: nil, feedback: nil), subscription: subscription(cancelAtPeriodEnd: true))
            == .reject("subscription sub_1 is already set to cancel at period end"))
        #expect(decide(.reactivate(paymentMethod: "pm_1"), subscription: subscription(status: .canceled))
            == .reject("subscription sub_1 is canceled; start a new subscription instead"))
        #expect(decide(.changePlan(tier: .enterprise, prorate: true, effective: .immediate), items: [item, item])
            == .reject("subscription sub_1 has 2 items; plan changes handle exactly one"))
    }
}

@Suite("Lifecycle command reading")
struct LifecycleCommandReadingTests {
    @Test func aCommandIsReadWithEveryTimeTheIntakeAccepts() throws {
        for (time, seconds) in [("2026-11-24T12:00:00Z", 1_795_521_600.0), ("2026-11-24T13:00:00.5+01:00", 1_795_521_600.5)] {
            let body = #"{"id":"cmd_1","type":"subscription.cancel_requested","occurred_at":"\#(time)","tenant_id":"t1","data":{"at_period_end":true}}"#
            let event = try CommandExecutor.decoder.decode(InternalEvent.self, from: Data(body.utf8))
            #expect(event.occurredAt.timeIntervalSince1970 == seconds)
        }
        #expect(throws: DecodingError.self) {
            try CommandExecutor.decoder.decode(InternalEvent.self, from: Data(#"{"id":"c","type":"t","occurred_at":"noon","tenant_id":"t1","data":{}}"#.utf8))
        }
    }
}
