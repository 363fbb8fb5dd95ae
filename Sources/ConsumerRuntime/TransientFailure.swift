import AMQP
import Foundation
import Messages

/// A handler error worth retrying after the configured delay.
public struct TransientFailure: ClassifiedError, CustomStringConvertible {
    public var description: String
    public var failureKind: FailureKind { .transient }
    public init(_ description: String) { self.description = description }
}
