import BillingCore
import Foundation
import StripeFixtures
import Testing

@testable import Stripe

@Suite("Stripe events decoded by type")
struct StripeObjectEventTests {
    func decode(_ json: String) throws -> StripeObjectEvent {
        try StripeObjectEvent.decode(Array(json.utf8))
    }

    @Test func eachLifecycleTypeCarriesItsObject() throws {
        let subscription = try decode(StripeFixtures.subscriptionEvent(
            id: "evt_s", type: "customer.subscription.paused", created: 7, subscription: "sub_1", customer: "cus_1", status: "paused"))
        guard case .subscription(let decoded) = subscription.object else { Issue.record("not a subscription: \(subscription.object)"); return }
        #expect(decoded.status == .paused)
        #expect(subscription.version == SnapshotVersion(created: 7, eventID: "evt_s"))
        #expect(subscription.apiVersion == "2025-03-31.basil")

        let invoice = try decode(StripeFixtures.invoiceEvent(id: "evt_i", type: "invoice.payment_succeeded", created: 8, invoice: "in_1",
                                                             customer: "cus_1", subscription: "sub_1", status: "paid", paidAt: 99,
                                                             shape: .preBasil))
        guard case .invoice(let paid) = invoice.object else { Issue.record("not an invoice: \(invoice.object)"); return }
        #expect(paid.subscription == "sub_1")
        #expect(paid.paidAt == 99)

        let customer = try decode(StripeFixtures.customerEvent(id: "evt_c", type: "customer.deleted", created: 9, customer: "cus_1", tenant: "t1"))
        guard case .customer(let gone) = customer.object else { Issue.record("not a customer: \(customer.object)"); return }
        #expect(gone.tenantID == "t1")
    }

    @Test func otherTypesAreNotDecodedBeyondTheEnvelope() throws {
        // invoice.upcoming carries an invoice without an id: it must not fail the event.
        let upcoming = try decode(#"{"id":"evt_u","type":"invoice.upcoming","created":1,"data":{"object":{"object":"invoice"}}}"#)
        #expect(upcoming.object == .other)
        let charge = try decode(#"{"id":"evt_ch","type":"charge.succeeded","created":1,"data":{"object":{}}}"#)
        #expect(charge.object == .other)
    }

    @Test func aMalformedObjectFailsNamingTheField() {
        let body = #"{"id":"evt_bad","type":"customer.subscription.updated","created":1,"data":{"object":{"id":"sub_1","customer":"cus_1","items":{"data":[]}}}}"#
        #expect {
            try decode(body)
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, let context) = error else { return false }
            return key.stringValue == "status" && context.codingPath.map(\.stringValue) == ["data", "object"]
        }
    }
}
