import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Storage
import Stripe

/// What carrying out a command takes, decided from the subscription as stored: Stripe calls
/// in order (each with an idempotency key derived from the command id), and the state whose
/// webhook confirms it — or a rejection, with no call at all.
enum CommandDecision: Sendable, Equatable, Codable {
    case call([StripeRequest], expect: Expectation)
    /// A change at renewal: a subscription schedule made from the subscription, then given a
    /// second phase at the new price (the second call needs the first one's answer).
    case schedule(create: StripeRequest, newPriceID: String, currentPriceID: String, quantity: Int64, periodEnd: Int64,
                  updateKey: String, expect: Expectation)
    case reject(String)

    struct Expectation: Sendable, Equatable, Codable {
        var priceID: String?
        var cancelAtPeriodEnd: Bool?
        var status: SubscriptionStatus?
    }
}
