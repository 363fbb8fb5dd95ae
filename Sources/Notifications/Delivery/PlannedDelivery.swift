import BillingCore
import Foundation
import Storage

/// One message to send: the outbox row's identity.
public struct PlannedDelivery: Sendable, Equatable {
    public var deliveryKey: String
    public var channel: NotificationChannel
    public var role: ContactRole
    /// An email address, the webhook URL, or the role's name (log).
    public var recipient: String
}
