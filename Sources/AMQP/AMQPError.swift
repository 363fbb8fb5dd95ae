/// What went wrong talking to the broker, and what the caller can do about it.
public enum AMQPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broker URL could not be used; fix the configuration.
    case invalidURL(reason: String)
    /// There is no connection right now (the broker is down or unreachable); nothing was sent.
    /// Safe to retry later.
    case notConnected(lastError: String?)
    /// The connection dropped while the request was in flight: a publish may or may not have
    /// reached the broker, so publish again (consumers de-duplicate); an ack was not delivered,
    /// so the broker will redeliver the message.
    case connectionLost(reason: String)
    /// The broker refused the message (`basic.nack`); it was not stored.
    case nacked
    /// A mandatory message matched no queue and came back (`basic.return`); it was not stored.
    case unroutable(exchange: String, routingKey: String, reason: String)
    /// The broker did not confirm within the configured time; it may still store the message.
    case confirmTimeout(after: Duration)
    /// The broker closed the channel, e.g. publishing to an exchange that does not exist or
    /// declaring a queue with arguments that differ from the existing queue's.
    case channelClosed(code: UInt16, reason: String)
    /// A synchronous request failed at the protocol or socket level.
    case requestFailed(reason: String)
    /// The connection is shutting down and takes no more work.
    case shutDown
    /// The broker blocked publishing on this connection (`connection.blocked`: a memory or disk
    /// alarm); nothing was sent. Retry after the alarm clears.
    case blocked(reason: String)
    /// More messages are waiting for confirms than the connection allows
    /// (``AMQPConfiguration/maxInFlightPublishes``); nothing was sent. Retry shortly.
    case overloaded(limit: Int)

    /// A sentence for logs and error answers; never the password.
    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid AMQP URL: \(reason); expected amqp[s]://user:password@host:port/vhost"
        case .notConnected(let last):
            "not connected to the broker" + (last.map { " (last error: \($0))" } ?? "")
        case .connectionLost(let reason): "connection to the broker lost: \(reason)"
        case .nacked: "the broker refused the message (basic.nack)"
        case .unroutable(let exchange, let key, let reason):
            "message to exchange '\(exchange)' with routing key '\(key)' matched no queue (\(reason))"
        case .confirmTimeout(let timeout): "the broker did not confirm the message within \(timeout)"
        case .channelClosed(let code, let reason): "the broker closed the channel: \(code) \(reason)"
        case .requestFailed(let reason): "AMQP request failed: \(reason)"
        case .shutDown: "the AMQP connection is shutting down"
        case .blocked(let reason): "the broker blocked publishing (\(reason)); nothing was sent"
        case .overloaded(let limit): "more than \(limit) messages are waiting for the broker's confirm; nothing was sent"
        }
    }
}
