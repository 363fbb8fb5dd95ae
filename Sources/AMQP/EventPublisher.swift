/// Where the intake puts accepted events: the broker, with publisher confirms.
public protocol EventPublisher: Sendable {
    /// Returns once the broker has confirmed every message; throws otherwise.
    func publish(_ messages: [AMQPMessage]) async throws
    /// Whether the broker is reachable right now (readiness checks report it).
    var isConnected: Bool { get }
}

extension AMQPConnection: EventPublisher {}
