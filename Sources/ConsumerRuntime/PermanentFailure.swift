import AMQP
import Foundation
import Messages

/// A handler error that will not get better by retrying (the event is dead-lettered at once).
public struct PermanentFailure: ClassifiedError, CustomStringConvertible {
    public var description: String
    public var failureKind: FailureKind { .permanent }
    public init(_ description: String) { self.description = description }
}
