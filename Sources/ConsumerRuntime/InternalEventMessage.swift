import AMQP
import Messages

/// The message that carries an internal event a consumer or the scheduler publishes: to
/// ``BrokerNames/eventsExchange`` as `internal.<type>`, persistent, `message_id` = the event
/// id (the inbox key downstream), headers naming its source and tenant.
package enum InternalEventMessage {
    /// - Parameter tenantHeader: whether to set ``MessageHeader/tenantID`` (the partition key
    ///   of batching consumers); off for events whose tenant is not known.
    /// - Parameter mandatory: whether the broker returns the message when no queue is bound.
    package static func make(_ event: InternalEvent, source: MessageSource, tenantHeader: Bool = true,
                             mandatory: Bool = true) throws -> AMQPMessage {
        var headers: [String: AMQPFieldValue] = [MessageHeader.source: .string(source.rawValue)]
        if tenantHeader { headers[MessageHeader.tenantID] = .string(event.tenantID) }
        return AMQPMessage(
            exchange: BrokerNames.eventsExchange, routingKey: RoutingKey.internal(event.type), body: try event.encodedBody(),
            properties: AMQPProperties(contentType: "application/json", headers: headers, persistent: true, messageID: event.id,
                                       type: event.type, appID: source.appID),
            mandatory: mandatory)
    }
}
