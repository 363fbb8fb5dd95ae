import AMQP
import Foundation
import Messages

/// How a handler's failure should be treated.
package enum FailureKind: Sendable, Equatable {
    /// Worth another try later: a lost database connection, a timeout, a remote 5xx.
    case transient
    /// Will fail the same way every time: an undecodable payload, a validation error.
    case permanent
    /// The database cannot be reached (refused, closed, shutting down, the pool's circuit
    /// breaker open): not the event's fault. The runner holds the delivery, waits until the
    /// database answers, and tries it again; no attempt is counted and nothing is dead-lettered.
    case databaseUnavailable
}
