import Foundation

/// A message received from a queue. Settle it exactly once with ``ack(multiple:)``,
/// ``nack(multiple:requeue:)`` or ``reject(requeue:)``; an unsettled delivery is redelivered
/// when its channel closes.
public struct AMQPDelivery: Sendable {
    /// The message body as published.
    public let body: [UInt8]
    /// The exchange it was published to; empty for the default exchange.
    let exchange: String
    /// The routing key it was published with (for the default exchange: the queue's name).
    public let routingKey: String
    /// Whether the broker delivered it before without an ack (to this or another consumer).
    package let redelivered: Bool
    /// The broker's number for it on its channel, which settling it refers to.
    let deliveryTag: UInt64
    /// The message's properties and headers.
    public let properties: AMQPProperties
    let settler: DeliverySettler?

    /// A delivery built by hand, for tests of code that handles deliveries; settling it is a no-op.
    package init(body: [UInt8], exchange: String = "", routingKey: String, redelivered: Bool = false,
                 deliveryTag: UInt64 = 0, properties: AMQPProperties = AMQPProperties()) {
        self.init(body: body, exchange: exchange, routingKey: routingKey, redelivered: redelivered,
                  deliveryTag: deliveryTag, properties: properties, settler: nil)
    }

    init(body: [UInt8], exchange: String, routingKey: String, redelivered: Bool,
         deliveryTag: UInt64, properties: AMQPProperties, settler: DeliverySettler?) {
        self.body = body
        self.exchange = exchange
        self.routingKey = routingKey
        self.redelivered = redelivered
        self.deliveryTag = deliveryTag
        self.properties = properties
        self.settler = settler
    }

    /// Acknowledges this delivery (and, with `multiple`, every earlier one on its channel).
    /// Returns once the frame is written. Throws ``AMQPError/connectionLost(_:)`` when the
    /// connection it came from is gone: the broker then redelivers it.
    public func ack(multiple: Bool = false) async throws {
        try await settler?.settle([deliveryTag], .ack(multiple: multiple))
    }

    /// Negatively acknowledges; with `requeue: false` the queue dead-letters or drops it.
    public func nack(multiple: Bool = false, requeue: Bool) async throws {
        try await settler?.settle([deliveryTag], .nack(multiple: multiple, requeue: requeue))
    }

    /// Acknowledges each of `deliveries` (one frame each, not `multiple`), handing them to the
    /// connection's thread at once rather than one by one. Throws ``AMQPError/connectionLost(_:)``
    /// when some came from a connection or channel that is gone (the others are still acked;
    /// the broker redelivers those).
    public static func ack(_ deliveries: [AMQPDelivery]) async throws {
        var failure: (any Error)?
        var start = deliveries.startIndex
        while start < deliveries.endIndex {
            // Runs of deliveries from one channel incarnation go together.
            let settler = deliveries[start].settler
            var end = start + 1
            while end < deliveries.endIndex, let next = deliveries[end].settler, let settler, next.isSame(as: settler) { end += 1 }
            if let settler {
                do {
                    try await settler.settle(deliveries[start..<end].map(\.deliveryTag), .ack(multiple: false))
                } catch {
                    failure = failure ?? error
                }
            }
            start = end
        }
        if let failure { throw failure }
    }

    /// Rejects this one delivery.
    func reject(requeue: Bool) async throws {
        try await settler?.settle([deliveryTag], .reject(requeue: requeue))
    }
}
