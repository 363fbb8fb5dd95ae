import BillingCore
import Foundation
import Storage

/// A role and channel that get nothing, and why (counted, not an error).
package struct SkippedRecipient: Sendable, Equatable {
    package var role: ContactRole
    package var channel: NotificationChannel
    package var reason: String
}
