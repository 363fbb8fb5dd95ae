import Foundation
import Logging
import PostgresNIO

/// One row of the notifications outbox: one message to one recipient on one channel.
public struct NotificationRecord: Codable, Sendable, Equatable {
    /// Where a delivery stands: `pending` (to send), `sending` (claimed), `sent` or `failed` (for good).
    public enum Status: String, Codable, Sendable {
        case pending, sending, sent, failed
    }

    /// Unique per logical message: the request's key, the channel and the recipient.
    public var deliveryKey: String
    /// The request's key (e.g. a dunning case and step): every row one request made shares it.
    public var requestKey: String
    /// The tenant it is about.
    public var tenantID: String
    /// The template it was rendered from.
    public var template: String
    /// `email`, `webhook` or `log`.
    public var channel: String
    /// The contact role it went to (`billing`, `admin`, `account_manager`).
    public var role: String
    /// An email address, a webhook URL, or the role (the log channel).
    public var recipient: String
    /// Where it stands.
    public var status: Status
    /// How many sends were tried.
    public var attempts: Int
    /// The last failed send's error.
    public var lastError: String?
    /// What the receiving server answered, e.g. `250 2.0.0 Ok: queued as 4F2A1` or `HTTP 204`.
    public var providerResponse: String?
    /// The rendered subject (emails).
    public var subject: String?
    /// When the row was created.
    public var createdAt: Date?
    /// When the row last changed.
    public var updatedAt: Date?
    /// When it was sent.
    public var sentAt: Date?

    enum CodingKeys: String, CodingKey {
        case deliveryKey = "delivery_key", requestKey = "request_key", tenantID = "tenant_id", template, channel, role, recipient
        case status, attempts, lastError = "last_error", providerResponse = "provider_response", subject
        case createdAt = "created_at", updatedAt = "updated_at", sentAt = "sent_at"
    }

    /// A delivery to insert, pending.
    public init(deliveryKey: String, requestKey: String, tenantID: String, template: String, channel: String, role: String,
                recipient: String, status: Status = .pending, attempts: Int = 0) {
        self.deliveryKey = deliveryKey
        self.requestKey = requestKey
        self.tenantID = tenantID
        self.template = template
        self.channel = channel
        self.role = role
        self.recipient = recipient
        self.status = status
        self.attempts = attempts
    }
}
