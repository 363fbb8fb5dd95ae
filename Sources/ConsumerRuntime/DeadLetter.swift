import AMQP
import Foundation
import Messages

/// One dead-lettered message, as the ops commands show it.
public struct DeadLetter: Sendable, Encodable, Equatable {
    /// The consumer whose dead-letter queue holds it.
    public var consumer: String
    /// The event id (`message_id`), or `(no message id)`.
    public var id: String
    /// The event type (the message's `type`), or `(no type)`.
    public var type: String
    /// The routing key the event was first published with, e.g. `stripe.invoice.paid`.
    public var originalRoutingKey: String
    /// How many times the handler tried it (from the runner's header, else the broker's `x-death` count; 1 without
    /// either).
    public var attempts: Int
    /// Why it is here: the handler's last error, or the broker's reason (e.g. the delivery
    /// limit, when the consumer process died on every delivery).
    public var reason: String
    /// When its first attempt failed; nil when the runner did not record it (a broker dead-letter).
    public var firstFailedAt: Date?
    /// When it was dead-lettered, by the runner or the broker; nil when neither recorded it.
    public var deadLetteredAt: Date?
    /// Whether it was replayed before and failed again.
    public var replayed: Bool
    /// The message body as text (UTF-8, invalid bytes replaced).
    public var body: String

    enum CodingKeys: String, CodingKey {
        case consumer, id, type, attempts, reason, body, replayed
        case originalRoutingKey = "original_routing_key"
        case firstFailedAt = "first_failed_at"
        case deadLetteredAt = "dead_lettered_at"
    }

    init(consumer: String, delivery: AMQPDelivery) {
        let headers = delivery.properties.headers
        let death = Self.firstDeath(headers)
        self.consumer = consumer
        id = delivery.properties.messageID ?? "(no message id)"
        type = delivery.properties.type ?? "(no type)"
        originalRoutingKey = headers[MessageHeader.originalRoutingKey]?.stringValue
            ?? death?.routingKey ?? delivery.routingKey
        attempts = Int(headers[MessageHeader.attempt]?.intValue ?? death?.count ?? 1)
        if let error = headers[MessageHeader.lastError]?.stringValue {
            reason = error
        } else if let death {
            reason = death.reason == "delivery_limit"
                ? "broker delivery limit reached: the consumer failed or crashed on every delivery"
                : "dead-lettered by the broker: \(death.reason)"
        } else {
            reason = "unknown"
        }
        firstFailedAt = Self.date(headers[MessageHeader.firstFailedAt])
        deadLetteredAt = Self.date(headers[MessageHeader.deadLetteredAt]) ?? death?.time
        replayed = headers[MessageHeader.replayedAt] != nil
        body = String(decoding: delivery.body, as: UTF8.self)
    }

    struct Death {
        var reason: String
        var routingKey: String?
        var count: Int64?
        var time: Date?
    }

    /// The first entry of RabbitMQ's `x-death` header, which it adds when it dead-letters.
    static func firstDeath(_ headers: [String: AMQPFieldValue]) -> Death? {
        guard case .array(let deaths)? = headers["x-death"], case .table(let first)? = deaths.first else { return nil }
        var routingKey: String?
        if case .array(let keys)? = first["routing-keys"] { routingKey = keys.first?.stringValue }
        return Death(reason: first["reason"]?.stringValue ?? "unknown", routingKey: routingKey,
                     count: first["count"]?.intValue, time: date(first["time"]))
    }

    static func date(_ value: AMQPFieldValue?) -> Date? {
        if case .timestamp(let seconds)? = value { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
        return nil
    }
}
