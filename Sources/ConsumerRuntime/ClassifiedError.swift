import AMQP
import Foundation
import Messages

/// An error a handler throws to say how it should be treated. Errors that do not conform are
/// classified by ``FailureClassifier``.
public protocol ClassifiedError: Error {
    var failureKind: FailureKind { get }
}
