import AMQP
import BillingCore
import Foundation
import Intake
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Storage
import Stripe

/// What to do with a meter event after Stripe answered, as a value.
enum MeterReportOutcome: Equatable {
    case sent
    /// Throttled, unavailable or unreachable after the client's retries: stays pending.
    case retryLater(String)
    /// Refused (unknown customer or meter, invalid value): recorded and alerted, not resent
    /// until an operator retries it.
    case failed(String)

    static func of(_ result: Result<Void, StripeAPIError>) -> MeterReportOutcome {
        switch result {
        case .success: .sent
        case .failure(let error) where error.isRetryable: .retryLater(error.description)
        case .failure(let error): .failed(error.description)
        }
    }
}
