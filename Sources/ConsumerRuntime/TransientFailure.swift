import AMQP
import Foundation
import Messages

/// A handler error worth retrying after the configured delay.
public struct TransientFailure: ClassifiedError, CustomStringConvertible {
    /// What went wrong, kept as the retried message's last error.
    public var description: String
    package var failureKind: FailureKind { .transient }
    /// A transient failure saying `description`.
    public init(_ description: String) { self.description = description }
}
