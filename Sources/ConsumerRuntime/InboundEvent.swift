import AMQP
import Logging
import PostgresNIO

/// One delivery as a handler sees it.
public struct InboundEvent: Sendable {
    /// The event id (the message's `message_id`): the inbox key.
    public var id: String
    /// The routing key the event was first published with, e.g. `stripe.invoice.paid`.
    public var routingKey: String
    public var type: String?
    public var body: [UInt8]
    /// 1 for the first try, 2 for the first retry, …
    public var attempt: Int
    public var properties: AMQPProperties

    public init(id: String, routingKey: String, type: String?, body: [UInt8], attempt: Int, properties: AMQPProperties = AMQPProperties()) {
        self.id = id
        self.routingKey = routingKey
        self.type = type
        self.body = body
        self.attempt = attempt
        self.properties = properties
    }
}
