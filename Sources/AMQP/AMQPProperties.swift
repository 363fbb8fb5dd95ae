import Foundation

/// The basic properties of a message.
public struct AMQPProperties: Sendable, Hashable {
    /// The body's media type, e.g. `application/json`; nil when not set.
    package var contentType: String?
    var contentEncoding: String?
    /// The application headers (the `x-…` headers of retries and dead letters, the message contract's headers).
    public var headers: [String: AMQPFieldValue]
    /// Delivery mode 2: the broker writes the message to disk.
    public var persistent: Bool
    var priority: UInt8?
    var correlationID: String?
    var replyTo: String?
    var expiration: String?
    /// The publisher's id for the message (for events: the event id); nil when not set.
    public var messageID: String?
    /// Seconds since 1970; nil when not set.
    package var timestamp: UInt64?
    /// The message type (for events: the event type, e.g. `invoice.paid`); nil when not set.
    public var type: String?
    var userID: String?
    /// The publishing application's name; nil when not set.
    package var appID: String?

    /// Properties with the given fields set; persistent unless told otherwise.
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
