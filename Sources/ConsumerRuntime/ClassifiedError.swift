import AMQP
import Foundation
import Messages

/// An error a handler throws to say how it should be treated. Errors that do not conform are
/// classified by ``FailureClassifier``.
package protocol ClassifiedError: Error {
    /// Whether the runner retries the event or dead-letters it at once.
    var failureKind: FailureKind { get }
}
