import Foundation
import Testing

@testable import Storage

@Suite("Row JSON coding")
struct RecordCodingTests {
    @Test(arguments: [
        ("2026-11-24T10:00:00+00:00", 1_795_514_400.0),
        ("2026-11-24T10:00:00Z", 1_795_514_400.0),
        ("2026-11-24T11:30:00+01:30", 1_795_514_400.0),
        ("2026-11-24T05:00:00-05:00", 1_795_514_400.0),
        ("2026-11-24T10:00:00.25+00:00", 1_795_514_400.25),
        ("2026-11-24T10:00:00.123456+00", 1_795_514_400.123456),
        ("1970-01-01T00:00:00+00:00", 0.0),
        ("2000-02-29T12:00:00+00:00", 951_825_600.0),
        ("1969-12-31T23:59:59+00:00", -1.0),
    ])
    func postgresTimestampsParseToTheInstant(text: String, seconds: Double) throws {
        let date = try #require(RecordCoding.parseTimestamp(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test(arguments: ["", "2026-11-24", "2026-11-24T10:00:00", "2026-13-01T00:00:00Z", "2026-11-24T10:00:00+0", "2026-11-24T10:00:00Zjunk",
                      "20x6-11-24T10:00:00Z"])
    func anythingElseIsRefused(text: String) {
        #expect(RecordCoding.parseTimestamp(text) == nil)
    }

    @Test func aRecordSurvivesTheRoundTripThroughJSON() throws {
        let record = InvoiceRecord(
            stripeInvoiceID: "in_1", stripeCustomerID: "cus_1", stripeSubscriptionID: nil, status: "paid", currency: "usd", amountDue: 1,
            amountPaid: 1, amountRemaining: 0, attemptCount: 1, nextPaymentAttempt: nil, billingReason: nil, hostedInvoiceURL: nil,
            created: Date(timeIntervalSince1970: 1_795_514_400), paidAt: Date(timeIntervalSince1970: 1_795_514_401),
            version: .init(created: 5, eventID: "evt_5"))
        let json = try RecordCoding.json([record])
        #expect(json.contains(#""stripe_invoice_id":"in_1""#))
        #expect(json.contains(#""paid_at":"2026-11-24T10:00:01Z""#))
        #expect(try RecordCoding.decoder.decode([InvoiceRecord].self, from: Data(json.utf8)) == [record])
    }
}
