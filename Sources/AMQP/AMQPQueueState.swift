import CAMQP
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A queue's counts as the broker reports them on declare.
public struct AMQPQueueState: Sendable, Equatable {
    public var name: String
    public var messageCount: UInt32
    public var consumerCount: UInt32
}
