import AMQP
import Foundation
import Messages

/// How a handler's failure should be treated.
public enum FailureKind: Sendable, Equatable {
    /// Worth another try later: a lost database connection, a timeout, a remote 5xx.
    case transient
    /// Will fail the same way every time: an undecodable payload, a validation error.
    case permanent
}

/// An error a handler throws to say how it should be treated. Errors that do not conform are
/// classified by ``FailureClassifier``.
public protocol ClassifiedError: Error {
    var failureKind: FailureKind { get }
}

/// A handler error that will not get better by retrying (the event is dead-lettered at once).
public struct PermanentFailure: ClassifiedError, CustomStringConvertible {
    public var description: String
    public var failureKind: FailureKind { .permanent }
    public init(_ description: String) { self.description = description }
}

/// A handler error worth retrying after the configured delay.
public struct TransientFailure: ClassifiedError, CustomStringConvertible {
    public var description: String
    public var failureKind: FailureKind { .transient }
    public init(_ description: String) { self.description = description }
}

/// What one delivery led to.
public enum HandlingOutcome: Sendable, Equatable {
    /// The effects were applied and recorded in the inbox.
    case processed
    /// The inbox already had the event: nothing was changed.
    case duplicate
    /// The handler failed; nothing of it was committed.
    case failed(FailureKind, message: String)
}

/// What the runner does with a delivery, decided as a value so every rule is tested without a
/// broker. The executor only carries it out: publish (with confirm) where asked, then ack.
public enum DeliveryDecision: Sendable, Equatable {
    case ack
    /// Publish to `queue` (a retry queue) as attempt `nextAttempt`, then ack the original.
    case retry(queue: String, nextAttempt: Int, delay: Duration, error: String)
    /// Publish to the dead-letter queue with the reason, then ack the original.
    case deadLetter(queue: String, attempts: Int, error: String)

    /// The decision for `outcome` of attempt `attempt` (1-based) under `consumer`'s policy.
    public static func decide(_ outcome: HandlingOutcome, attempt: Int, consumer: ConsumerDefinition) -> DeliveryDecision {
        switch outcome {
        case .processed, .duplicate:
            return .ack
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
}

/// The bookkeeping the runner keeps in an event's headers (``MessageHeader``) as it moves
/// between work, retry and dead-letter queues.
public enum EventHeaders {
    /// The message to publish for a retry or a dead-letter decision: the same body and
    /// properties, with the bookkeeping headers set. Errors are cut to one line of 500 bytes.
    public static func forward(_ delivery: AMQPDelivery, to queue: String, attempt: Int, error: String, consumer: String,
                               now: Date, deadLettered: Bool) -> AMQPMessage {
        var properties = delivery.properties
        let nowSeconds = UInt64(max(now.timeIntervalSince1970, 0))
        properties.headers[MessageHeader.originalRoutingKey] = .string(originalRoutingKey(of: delivery))
        properties.headers[MessageHeader.consumer] = .string(consumer)
        properties.headers[MessageHeader.attempt] = .int(Int64(attempt))
        properties.headers[MessageHeader.lastError] = .string(oneLine(error))
        if properties.headers[MessageHeader.firstFailedAt] == nil { properties.headers[MessageHeader.firstFailedAt] = .timestamp(nowSeconds) }
        if deadLettered { properties.headers[MessageHeader.deadLetteredAt] = .timestamp(nowSeconds) }
        properties.persistent = true
        return AMQPMessage(exchange: "", routingKey: queue, body: delivery.body, properties: properties, mandatory: true)
    }

    public static func attempt(of delivery: AMQPDelivery) -> Int {
        Int(delivery.properties.headers[MessageHeader.attempt]?.intValue ?? 1)
    }

    public static func originalRoutingKey(of delivery: AMQPDelivery) -> String {
        delivery.properties.headers[MessageHeader.originalRoutingKey]?.stringValue ?? delivery.routingKey
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard flat.utf8.count > 500 else { return flat }
        return String(decoding: flat.utf8.prefix(497), as: UTF8.self) + "..."
    }
}
