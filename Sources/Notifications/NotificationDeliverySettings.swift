import BillingCore
import Foundation

/// How notifications are delivered.
public struct NotificationDeliverySettings: Sendable, Equatable {
    /// The notification settings file (`BILLING_NOTIFICATIONS_FILE`).
    public var file: String
    /// nil: no SMTP server; emails are written to the log.
    public var smtp: SMTPSettings?
    /// How long a tenant's webhook endpoint has to answer.
    public var webhookTimeout: Duration

    /// Settings from their parts; the defaults are the environment's.
    public init(file: String = "config/notifications.yaml", smtp: SMTPSettings? = nil, webhookTimeout: Duration = .seconds(10)) {
        self.file = file
        self.smtp = smtp
        self.webhookTimeout = webhookTimeout
    }
}
