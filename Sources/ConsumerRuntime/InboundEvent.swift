import AMQP
import Logging
import PostgresNIO

/// One delivery as a handler sees it.
public struct InboundEvent: Sendable {
    /// The event id (the message's `message_id`): the inbox key.
    public var id: String
    /// The routing key the event was first published with, e.g. `stripe.invoice.paid`.
    public var routingKey: String
    /// The message's `type` (the event type, e.g. `invoice.paid`); nil when the publisher set none.
    public var type: String?
    /// The event as published: the JSON the handler decodes.
    public var body: [UInt8]
    /// 1 for the first try, 2 for the first retry, …
    package var attempt: Int
    /// The delivery's properties and headers.
    var properties: AMQPProperties
    /// The consumer handling it (the name in `consumers/<name>.yaml`), for what the handler
    /// records as this consumer's, such as a ``PendingCall``.
    public var consumer: String

    /// An event as the runner hands it over; tests call handlers with their own.
    package init(id: String, routingKey: String, type: String?, body: [UInt8], attempt: Int, properties: AMQPProperties = AMQPProperties(),
                 consumer: String = "") {
        self.id = id
        self.routingKey = routingKey
        self.type = type
        self.body = body
        self.attempt = attempt
        self.properties = properties
        self.consumer = consumer
    }
}
