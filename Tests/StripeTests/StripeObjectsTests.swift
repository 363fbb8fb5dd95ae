import BillingCore
import Foundation
import Testing

@testable import Stripe

@Suite("Stripe objects, both API shapes")
struct StripeObjectsTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    static let price = #"{"id":"price_team","object":"price","unit_amount":20000,"currency":"usd","recurring":{"interval":"month","interval_count":1},"metadata":{"plan_tier":"team"},"product":"prod_team"}"#

    @Test func aPreBasilSubscriptionHasItsPeriodOnTheSubscription() throws {
        let event = try decode(StripeObjectEvent.self, #"""
            {"id":"evt_1","object":"event","type":"customer.subscription.updated","created":1700000100,"api_version":"2024-06-20",
             "data":{"object":{"id":"sub_1","object":"subscription","customer":"cus_1","status":"past_due",
               "current_period_start":1700000000,"current_period_end":1702592000,"cancel_at_period_end":true,
               "trial_start":1698790400,"trial_end":1700000000,"canceled_at":null,"ended_at":null,"created":1698790400,
               "pause_collection":null,"discount":{"coupon":{"percent_off":25.0}},"metadata":{"tenant_id":"ten_1"},
               "items":{"object":"list","data":[{"id":"si_1","quantity":3,"price":\#(Self.price)}]},
               "some_new_field":{"nested":[1,2,3]}}}}
            """#)
        #expect(event.version == SnapshotVersion(created: 1_700_000_100, eventID: "evt_1"))
        guard case .subscription(let subscription) = event.object else { Issue.record("not a subscription: \(event.object)"); return }
        #expect(subscription.status == .pastDue)
        #expect(subscription.currentPeriodStart == 1_700_000_000)
        #expect(subscription.currentPeriodEnd == 1_702_592_000)
        #expect(subscription.cancelAtPeriodEnd)
        #expect(subscription.trialEnd == 1_700_000_000)
        #expect(subscription.discountCouponPercentOff == 25)
        #expect(subscription.items.first?.quantity == 3)
        #expect(subscription.items.first?.price.unitAmount == 20000)
        #expect(subscription.items.first?.price.metadata["plan_tier"] == "team")
        #expect(subscription.items.first?.price.recurringInterval == "month")
        #expect(subscription.metadata["tenant_id"] == "ten_1")
    }

    @Test func aBasilSubscriptionHasItsPeriodOnItsItems() throws {
        let subscription = try decode(StripeSubscription.self, #"""
            {"id":"sub_2","object":"subscription","customer":{"id":"cus_2","object":"customer"},"status":"active",
             "cancel_at_period_end":false,"pause_collection":{"behavior":"void","resumes_at":null},
             "items":{"object":"list","data":[
               {"id":"si_a","quantity":1,"current_period_start":1740000000,"current_period_end":1742419200,
                "price":{"id":"price_ent","unit_amount":80000,"currency":"usd","product":{"id":"prod_ent","metadata":{"plan_slug":"enterprise"}}}}]}}
            """#)
        #expect(subscription.customer == "cus_2")
        #expect(subscription.currentPeriodStart == 1_740_000_000)
        #expect(subscription.currentPeriodEnd == 1_742_419_200)
        #expect(subscription.pauseCollectionBehavior == "void")
        #expect(subscription.items.first?.price.productID == "prod_ent")
        #expect(subscription.items.first?.price.productMetadata["plan_slug"] == "enterprise")
    }

    @Test func invoicesFindTheirSubscriptionInEitherShape() throws {
        let old = try decode(StripeInvoice.self, #"""
            {"id":"in_1","object":"invoice","customer":"cus_1","subscription":"sub_1","status":"open","amount_due":20000,
             "amount_paid":0,"amount_remaining":20000,"currency":"usd","attempt_count":2,"next_payment_attempt":1700100000,
             "billing_reason":"subscription_cycle","hosted_invoice_url":"https://invoice.stripe.com/i/x"}
            """#)
        #expect(old.subscription == "sub_1")
        #expect(old.attemptCount == 2)
        #expect(old.nextPaymentAttempt == 1_700_100_000)
        #expect(old.hostedInvoiceURL == "https://invoice.stripe.com/i/x")

        let basil = try decode(StripeInvoice.self, #"""
            {"id":"in_2","object":"invoice","customer":"cus_1","status":"paid","amount_due":80000,"amount_paid":80000,
             "amount_remaining":0,"currency":"usd","attempt_count":1,"next_payment_attempt":null,"billing_reason":"subscription_create",
             "parent":{"type":"subscription_details","subscription_details":{"subscription":"sub_2","metadata":{}}}}
            """#)
        #expect(basil.subscription == "sub_2")
        #expect(basil.amountRemaining == 0)
        #expect(basil.nextPaymentAttempt == nil)

        let oneOff = try decode(StripeInvoice.self, #"{"id":"in_3","customer":"cus_1","amount_due":500,"currency":"usd","parent":null}"#)
        #expect(oneOff.subscription == nil)
        #expect(oneOff.amountRemaining == 500)
    }

    @Test func customersCarryTheirTenantAndDefaultPaymentMethod() throws {
        let customer = try decode(StripeCustomer.self, #"""
            {"id":"cus_1","object":"customer","email":"billing@acme.test","name":"Acme","metadata":{"tenant_id":"ten_1"},
             "invoice_settings":{"default_payment_method":"pm_123"}}
            """#)
        #expect(customer.tenantID == "ten_1")
        #expect(customer.defaultPaymentMethod == "pm_123")
        #expect(!customer.deleted)
        #expect(try decode(StripeCustomer.self, #"{"id":"cus_9","object":"customer","deleted":true}"#).deleted)
    }

    @Test func anUnknownStatusIsAnError() {
        #expect(throws: DecodingError.self) {
            try decode(StripeSubscription.self, #"{"id":"sub_1","customer":"cus_1","status":"frozen","items":{"data":[]}}"#)
        }
    }
}
