import BillingCore
import Foundation
import Storage

/// One message to send: the outbox row's identity.
package struct PlannedDelivery: Sendable, Equatable {
    package var deliveryKey: String
    package var channel: NotificationChannel
    package var role: ContactRole
    /// An email address, the webhook URL, or the role's name (log).
    package var recipient: String
}
