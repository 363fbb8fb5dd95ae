import Foundation

/// A message to publish.
public struct AMQPMessage: Sendable, Hashable {
    /// The exchange to publish to; empty for the default exchange, which routes to the queue named by the routing key.
    package var exchange: String
    /// The routing key the exchange routes by.
    package var routingKey: String
    /// The message body.
    package var body: [UInt8]
    /// The message's properties and headers.
    package var properties: AMQPProperties
    /// Ask the broker to return the message if it matches no queue; the publish then fails
    /// with ``AMQPError/unroutable(exchange:routingKey:reason:)`` instead of silently vanishing.
    package var mandatory: Bool

    /// A message of `body` for `exchange` with `routingKey`; mandatory unless told otherwise.
    public init(
        exchange: String, routingKey: String, body: [UInt8],
        properties: AMQPProperties = AMQPProperties(), mandatory: Bool = true
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }
}
