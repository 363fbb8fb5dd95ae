import CAMQP
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A queue's counts as the broker reports them on declare.
public struct AMQPQueueState: Sendable, Equatable {
    /// The queue's name.
    var name: String
    /// Messages ready for delivery (not those delivered and awaiting an ack).
    public var messageCount: UInt32
    /// Consumers subscribed to the queue.
    package var consumerCount: UInt32
}
