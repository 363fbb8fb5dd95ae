import Foundation

/// A message to publish.
public struct AMQPMessage: Sendable, Hashable {
    public var exchange: String
    public var routingKey: String
    public var body: [UInt8]
    public var properties: AMQPProperties
    /// Ask the broker to return the message if it matches no queue; the publish then fails
    /// with ``AMQPError/unroutable(exchange:routingKey:reason:)`` instead of silently vanishing.
    public var mandatory: Bool

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
