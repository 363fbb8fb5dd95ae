import BillingCore
import Foundation
import Storage

/// A role and channel that get nothing, and why (counted, not an error).
public struct SkippedRecipient: Sendable, Equatable {
    public var role: ContactRole
    public var channel: NotificationChannel
    public var reason: String
}
