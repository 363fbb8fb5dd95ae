import AMQP
import Foundation
import Messages

/// How a handler's failure should be treated.
package enum FailureKind: Sendable, Equatable {
    /// Worth another try later: a lost database connection, a timeout, a remote 5xx.
    case transient
    /// Will fail the same way every time: an undecodable payload, a validation error.
    case permanent
}
