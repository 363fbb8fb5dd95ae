import Foundation
import Testing

@testable import Stripe

@Suite("Stripe event envelope")
struct StripeEventEnvelopeTests {
    func decode(_ json: String) throws -> StripeEventEnvelope {
        try JSONDecoder().decode(StripeEventEnvelope.self, from: Data(json.utf8))
    }

    @Test func theCustomerIsFoundWhereverTheObjectKeepsIt() throws {
        #expect(try decode(#"{"id":"evt_1","type":"invoice.paid","data":{"object":{"id":"in_1","object":"invoice","customer":"cus_a"}}}"#)
            .customerID == "cus_a")
        #expect(try decode(#"{"id":"evt_2","type":"customer.updated","data":{"object":{"id":"cus_b","object":"customer"}}}"#)
            .customerID == "cus_b")
        #expect(try decode(#"{"id":"evt_3","type":"customer.subscription.updated","data":{"object":{"id":"sub_1","customer":{"id":"cus_c","object":"customer"}}}}"#)
            .customerID == "cus_c")
    }

    @Test func anEventWithoutACustomerOrDataStillDecodes() throws {
        let plain = try decode(#"{"id":"evt_4","type":"balance.available","created":5,"livemode":true,"api_version":"2025-03-31.basil","data":{"object":{"object":"balance"}}}"#)
        #expect(plain == StripeEventEnvelope(id: "evt_4", type: "balance.available", created: 5, livemode: true, apiVersion: "2025-03-31.basil"))
        #expect(try decode(#"{"id":"evt_5","type":"ping"}"#).customerID == nil)
        #expect(try decode(#"{"id":"evt_6","type":"x","data":{"object":{"customer":42}}}"#).customerID == nil)
    }
}
