import Foundation

/// A value in an AMQP field table (message headers, queue arguments).
public indirect enum AMQPFieldValue: Sendable, Hashable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    /// Seconds since 1970, as AMQP timestamps are.
    case timestamp(UInt64)
    case array([AMQPFieldValue])
    case table([String: AMQPFieldValue])
    case void

    /// The value as a string, when it is one (UTF-8 bytes included).
    public var stringValue: String? {
        switch self {
        case .string(let s): s
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        default: nil
        }
    }

    /// The value as an integer, when it is one.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}

/// The basic properties of a message.
public struct AMQPProperties: Sendable, Hashable {
    public var contentType: String?
    public var contentEncoding: String?
    public var headers: [String: AMQPFieldValue]
    /// Delivery mode 2: the broker writes the message to disk.
    public var persistent: Bool
    public var priority: UInt8?
    public var correlationID: String?
    public var replyTo: String?
    public var expiration: String?
    public var messageID: String?
    /// Seconds since 1970.
    public var timestamp: UInt64?
    public var type: String?
    public var userID: String?
    public var appID: String?

    public init(
        contentType: String? = nil, contentEncoding: String? = nil,
        headers: [String: AMQPFieldValue] = [:], persistent: Bool = true,
        priority: UInt8? = nil, correlationID: String? = nil, replyTo: String? = nil,
        expiration: String? = nil, messageID: String? = nil, timestamp: UInt64? = nil,
        type: String? = nil, userID: String? = nil, appID: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.persistent = persistent
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
    }
}

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

/// A message received from a queue. Settle it exactly once with ``ack(multiple:)``,
/// ``nack(multiple:requeue:)`` or ``reject(requeue:)``; an unsettled delivery is redelivered
/// when its channel closes.
public struct AMQPDelivery: Sendable {
    public let body: [UInt8]
    public let exchange: String
    public let routingKey: String
    public let redelivered: Bool
    public let deliveryTag: UInt64
    public let properties: AMQPProperties
    let settler: DeliverySettler?

    /// A delivery built by hand, for tests of code that handles deliveries; settling it is a no-op.
    public init(body: [UInt8], exchange: String = "", routingKey: String, redelivered: Bool = false,
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
    public func reject(requeue: Bool) async throws {
        try await settler?.settle([deliveryTag], .reject(requeue: requeue))
    }
}

enum Settlement: Sendable, Equatable {
    case ack(multiple: Bool)
    case nack(multiple: Bool, requeue: Bool)
    case reject(requeue: Bool)
}
