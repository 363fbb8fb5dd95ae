/// Where the intake puts accepted events: the broker, with publisher confirms.
public protocol EventPublisher: Sendable {
    /// Returns once the broker has confirmed every message; throws otherwise.
    func publish(_ messages: [AMQPMessage]) async throws
    var isConnected: Bool { get }
}

extension AMQPConnection: EventPublisher {}
