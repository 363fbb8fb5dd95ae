import AMQP
import Foundation
import Messages

/// A handler error that will not get better by retrying (the event is dead-lettered at once).
public struct PermanentFailure: ClassifiedError, CustomStringConvertible {
    /// What is wrong with the event, kept as the dead letter's last error.
    public var description: String
    package var failureKind: FailureKind { .permanent }
    /// A permanent failure saying `description`.
    public init(_ description: String) { self.description = description }
}
