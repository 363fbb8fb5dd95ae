import AMQP
import Foundation
import Messages

/// What a replay of one consumer's dead letters did.
public struct ReplayResult: Sendable, Equatable {
    /// The consumer whose dead-letter queue was read.
    public var consumer: String
    /// Dead letters looked at.
    public var examined: Int
    /// The ids of those replayed (or, in a dry run, that would be).
    public var replayed: [String]
    /// Dead letters left in the queue.
    public var kept: Int
}
