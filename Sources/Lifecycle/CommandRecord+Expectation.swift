import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Storage
import Stripe

extension CommandRecord {
    mutating func apply(_ expectation: CommandDecision.Expectation) {
        expectPriceID = expectation.priceID
        expectCancelAtPeriodEnd = expectation.cancelAtPeriodEnd
        expectStatus = expectation.status
    }
}
