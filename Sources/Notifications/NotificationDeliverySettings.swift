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
    /// Allow `http` and private, loopback and link-local webhook addresses
    /// (`BILLING_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true`): for local development and tests only.
    public var allowPrivateWebhookNetworks: Bool = false

    /// The rules tenant webhook URLs are held to.
    package var webhookPolicy: WebhookURLPolicy { WebhookURLPolicy(allowPrivateNetworks: allowPrivateWebhookNetworks) }

    /// How long a claimed outbox row is protected from other senders: longer than the longest
    /// send these settings allow (SMTP connect plus transfer, or the webhook timeout), plus a
    /// minute, and at least two minutes. A send is never still running when its claim expires,
    /// so one notification cannot go out twice.
    public var claimLease: Duration {
        let longestSend = max(smtp.map { $0.connectTimeout + $0.timeout } ?? .zero, webhookTimeout)
        return max(.seconds(120), longestSend + .seconds(60))
    }

    /// Settings from their parts; the defaults are the environment's.
    public init(file: String = "config/notifications.yaml", smtp: SMTPSettings? = nil, webhookTimeout: Duration = .seconds(10)) {
        self.file = file
        self.smtp = smtp
        self.webhookTimeout = webhookTimeout
    }
}
