import Foundation
import Logging
import PostgresNIO

/// One row of the notifications outbox: one message to one recipient on one channel.
public struct NotificationRecord: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case pending, sending, sent, failed
    }

    /// Unique per logical message: the request's key, the channel and the recipient.
    public var deliveryKey: String
    /// The request's key (e.g. a dunning case and step): every row one request made shares it.
    public var requestKey: String
    public var tenantID: String
    public var template: String
    public var channel: String
    public var role: String
    /// An email address, a webhook URL, or the role (the log channel).
    public var recipient: String
    public var status: Status
    public var attempts: Int
    public var lastError: String?
    /// What the receiving server answered, e.g. `250 2.0.0 Ok: queued as 4F2A1` or `HTTP 204`.
    public var providerResponse: String?
    public var subject: String?
    public var createdAt: Date?
    public var updatedAt: Date?
    public var sentAt: Date?

    enum CodingKeys: String, CodingKey {
        case deliveryKey = "delivery_key", requestKey = "request_key", tenantID = "tenant_id", template, channel, role, recipient
        case status, attempts, lastError = "last_error", providerResponse = "provider_response", subject
        case createdAt = "created_at", updatedAt = "updated_at", sentAt = "sent_at"
    }

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
