import AMQP
import Foundation
import Messages

/// What a replay of one consumer's dead letters did.
public struct ReplayResult: Sendable, Equatable {
    /// The consumer whose dead-letter queue was read.
    public var consumer: String
    /// Dead letters looked at.
    public var examined: Int
    /// The ids of the first ``keptIDs`` replayed (or, in a dry run, that would be); the replay
    /// reports every id as it goes.
    public var replayed: [String]
    /// How many were replayed (or would be).
    public var replayedCount: Int
    /// Dead letters left in the queue.
    public var kept: Int

    /// How many ids a result keeps, so that a replay of a million takes bounded memory.
    public static let keptIDs = 1_000
}
