import AMQP
import Foundation
import Messages

/// The bookkeeping the runner keeps in an event's headers (``MessageHeader``) as it moves
/// between work, retry and dead-letter queues.
package enum EventHeaders {
    /// The message to publish for a retry or a dead-letter decision: the same body and
    /// properties, with the bookkeeping headers set. Errors are cut to one line of 500 bytes.
    package static func forward(_ delivery: AMQPDelivery, to queue: String, attempt: Int, error: String, consumer: String,
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

    /// The attempt `delivery` is: its ``MessageHeader/attempt`` header, 1 without one.
    package static func attempt(of delivery: AMQPDelivery) -> Int {
        Int(delivery.properties.headers[MessageHeader.attempt]?.intValue ?? 1)
    }

    /// The routing key the event was first published with: the header a retry or replay keeps, else the delivery's.
    package static func originalRoutingKey(of delivery: AMQPDelivery) -> String {
        delivery.properties.headers[MessageHeader.originalRoutingKey]?.stringValue ?? delivery.routingKey
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard flat.utf8.count > 500 else { return flat }
        return String(decoding: flat.utf8.prefix(497), as: UTF8.self) + "..."
    }
}
