import AMQP
import Foundation
import Messages

/// What the runner does with a delivery, decided as a value so every rule is tested without a
/// broker. The executor only carries it out: publish (with confirm) where asked, then ack.
package enum DeliveryDecision: Sendable, Equatable {
    case ack
    /// Publish to `queue` (a retry queue) as attempt `nextAttempt`, then ack the original.
    case retry(queue: String, nextAttempt: Int, delay: Duration, error: String)
    /// Publish to the dead-letter queue with the reason, then ack the original.
    case deadLetter(queue: String, attempts: Int, error: String)
    /// Settle nothing: hold the delivery, wait until the database answers, and handle it again
    /// as the same attempt. A database outage is nobody's event's fault, so it neither counts an
    /// attempt nor returns the message to the broker (which would count a delivery).
    case waitForDatabase

    /// The decision for `outcome` of attempt `attempt` (1-based) under `consumer`'s policy.
    package static func decide(_ outcome: HandlingOutcome, attempt: Int, consumer: ConsumerDefinition) -> DeliveryDecision {
        switch outcome {
        case .processed, .duplicate:
            return .ack
        case .failed(.databaseUnavailable, _):
            return .waitForDatabase
        case .failed(.permanent, let message):
            return .deadLetter(queue: consumer.deadLetterQueue, attempts: attempt, error: message)
        case .failed(.transient, let message):
            guard attempt < consumer.maxAttempts else {
                return .deadLetter(queue: consumer.deadLetterQueue, attempts: attempt,
                                   error: "gave up after \(attempt) attempts: \(message)")
            }
            let delay = consumer.retryDelay(afterAttempt: attempt)
            return .retry(queue: consumer.retryQueue(for: delay), nextAttempt: attempt + 1, delay: delay, error: message)
        }
    }

    /// For a redelivered message whose handling is about to begin for the `starts`-th time
    /// (counted and committed first, the message handled alone in its process): dead-letter it
    /// without handling once its process died in its hands more than `consumer.crashLimit`
    /// times; nil to handle it.
    package static func decide(starts: Int, consumer: ConsumerDefinition) -> DeliveryDecision? {
        guard starts > consumer.crashLimit else { return nil }
        return .deadLetter(queue: consumer.deadLetterQueue, attempts: starts - 1,
                           error: "the process died while handling it \(starts - 1) times (a crash, kill -9, out of memory); not handled again")
    }
}
