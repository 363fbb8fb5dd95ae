import BillingCore
import Foundation
import Storage
import Testing

@testable import Dunning

@Suite("DunningHandler notice data")
struct DunningHandlerTests {
    static let opened: Int64 = 1_795_478_400
    static let record = CaseRecord(invoiceID: "in_1", subscriptionID: "sub_1", customerID: "cus_1", tenantID: "tenant_1", tier: .enterprise,
                                   status: .open, openedAt: Date(timeIntervalSince1970: TimeInterval(opened)), attempts: 1, amountDue: 20_000,
                                   currency: "usd", hostedInvoiceURL: nil)

    func daysLeft(after seconds: Int64) -> Double? {
        let data = DunningHandler.notificationData(for: Self.record, suspendAfterDays: 45, daySeconds: 86_400, now: Self.opened + seconds)
        guard case .number(let days) = data["days_until_suspension"] else { return nil }
        return days
    }

    /// A notice sent a moment after its step fell due counts the days still left in whole days,
    /// rounded up: the day-0 notice says 45, however late in the day-0 second it is rendered.
    @Test func daysUntilSuspensionRoundUp() {
        #expect(daysLeft(after: 0) == 45)
        #expect(daysLeft(after: 1) == 45)
        #expect(daysLeft(after: 3_600) == 45)
        #expect(daysLeft(after: 21 * 86_400 + 5) == 24)
        #expect(daysLeft(after: 45 * 86_400 - 1) == 1)
        #expect(daysLeft(after: 45 * 86_400) == 0)
        #expect(daysLeft(after: 50 * 86_400) == 0)
    }
}
