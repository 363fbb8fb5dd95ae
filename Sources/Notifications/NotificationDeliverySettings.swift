import BillingCore
import Foundation

/// How notifications are delivered.
public struct NotificationDeliverySettings: Sendable, Equatable {
    public var file: String
    /// nil: no SMTP server; emails are written to the log.
    public var smtp: SMTPSettings?
    public var webhookTimeout: Duration

    public init(file: String = "config/notifications.yaml", smtp: SMTPSettings? = nil, webhookTimeout: Duration = .seconds(10)) {
        self.file = file
        self.smtp = smtp
        self.webhookTimeout = webhookTimeout
    }
}
