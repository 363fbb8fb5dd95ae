import AMQP
import Foundation
import Messages

/// What one delivery led to.
package enum HandlingOutcome: Sendable, Equatable {
    /// The effects were applied and recorded in the inbox.
    case processed
    /// The inbox already had the event: nothing was changed.
    case duplicate
    /// The handler failed; nothing of it was committed.
    case failed(FailureKind, message: String)
}
