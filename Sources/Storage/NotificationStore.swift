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

/// A tenant's webhook endpoint for notifications and the secret its deliveries are signed with.
public struct WebhookEndpointRecord: Codable, Sendable, Equatable {
    public var tenantID: String
    public var url: String
    /// `whsec_<base64>` (Standard Webhooks): the HMAC key is the decoded bytes.
    public var secret: String

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", url, secret
    }

    public init(tenantID: String, url: String, secret: String) {
        self.tenantID = tenantID
        self.url = url
        self.secret = secret
    }
}

/// A tenant's addresses by role, its company name and its webhook endpoint.
public struct TenantRecipients: Sendable, Equatable {
    public var contacts: [String: [String]]
    public var company: String?
    public var webhook: WebhookEndpointRecord?
}

/// The outbox's reads and writes. Each call is its own statement on the pool (autocommit):
/// a row's status must survive whatever happens to the request that created it, because the
/// message it stands for has left the building.
public struct NotificationStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// What claiming a row found.
    public enum Claim: Sendable, Equatable {
        /// The row is this caller's to send: it was new or pending, or another sender's claim
        /// expired.
        case claimed(attempt: Int)
        /// Already sent or failed for good: nothing to do.
        case settled(NotificationRecord.Status)
        /// Another sender holds it (since less than the lease): it may yet succeed or crash.
        case heldElsewhere
    }

    /// Inserts the rows that do not exist yet and claims (`sending`) every row that is new,
    /// pending, or held by a sender whose claim is older than `lease` (it crashed or lost its
    /// connection before recording the outcome), in one statement. Answers per delivery key.
    public func insertAndClaim(_ records: [NotificationRecord], lease: Duration) async throws -> [String: Claim] {
        guard !records.isEmpty else { return [:] }
        let json = String(decoding: try RecordCoding.encoder.encode(records), as: UTF8.self)
        let leaseSeconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        var claims: [String: Claim] = [:]
        let claimed = try await client.query("""
            INSERT INTO notifications AS n (delivery_key, request_key, tenant_id, template, channel, role, recipient, status, attempts,
                                           sending_since)
            SELECT delivery_key, request_key, tenant_id, template, channel, role, recipient, 'sending', 1, now()
              FROM jsonb_populate_recordset(NULL::notifications, \(json)::jsonb)
            ON CONFLICT (delivery_key) DO UPDATE
               SET status = 'sending', attempts = n.attempts + 1, sending_since = now(), updated_at = now()
             WHERE n.status = 'pending' OR (n.status = 'sending' AND n.sending_since < now() - make_interval(secs => \(leaseSeconds)))
            RETURNING delivery_key, attempts
            """, logger: logger)
        for try await (key, attempt) in claimed.decode((String, Int).self) { claims[key] = .claimed(attempt: attempt) }
        let others = records.map(\.deliveryKey).filter { claims[$0] == nil }
        guard !others.isEmpty else { return claims }
        let rows = try await client.query("SELECT delivery_key, status FROM notifications WHERE delivery_key = ANY(\(others))", logger: logger)
        for try await (key, text) in rows.decode((String, String).self) {
            let status = NotificationRecord.Status(rawValue: text)
            claims[key] = status == .sent || status == .failed ? .settled(status ?? .failed) : .heldElsewhere
        }
        return claims
    }

    /// Records the outcome of a send: `sent` or `failed` settle the row; `pending` releases it
    /// for the next attempt.
    public func finish(_ deliveryKey: String, status: NotificationRecord.Status, error: String?, providerResponse: String?,
                       subject: String?) async throws {
        try await client.query("""
            UPDATE notifications
               SET status = \(status.rawValue), last_error = coalesce(\(error), last_error),
                   provider_response = coalesce(\(providerResponse), provider_response), subject = coalesce(\(subject), subject),
                   sending_since = NULL, updated_at = now(),
                   sent_at = CASE WHEN \(status.rawValue) = 'sent' THEN now() ELSE sent_at END
             WHERE delivery_key = \(deliveryKey)
            """, logger: logger)
    }

    /// A tenant's notifications, newest first.
    public func list(tenantID: String, status: NotificationRecord.Status?, limit: Int) async throws -> [NotificationRecord] {
        let rows = try await client.query("""
            SELECT to_jsonb(n)::text FROM notifications n
             WHERE tenant_id = \(tenantID) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
             ORDER BY created_at DESC, delivery_key LIMIT \(limit)
            """, logger: logger)
        var records: [NotificationRecord] = []
        for try await json in rows.decode(String.self) {
            records.append(try RecordCoding.decoder.decode(NotificationRecord.self, from: Data(json.utf8)))
        }
        return records
    }

    /// The rows one request made.
    public func deliveries(requestKey: String) async throws -> [NotificationRecord] {
        let rows = try await client.query("""
            SELECT to_jsonb(n)::text FROM notifications n WHERE request_key = \(requestKey) ORDER BY delivery_key
            """, logger: logger)
        var records: [NotificationRecord] = []
        for try await json in rows.decode(String.self) {
            records.append(try RecordCoding.decoder.decode(NotificationRecord.self, from: Data(json.utf8)))
        }
        return records
    }

    /// Who a tenant's notifications go to: its billing account's contacts and company (the most
    /// recently updated account, if several customers name the tenant) and its webhook endpoint.
    public func recipients(tenantID: String) async throws -> TenantRecipients {
        let rows = try await client.query("""
            SELECT (SELECT contacts::text FROM billing_accounts WHERE tenant_id = t.id ORDER BY deleted, last_event_created DESC LIMIT 1),
                   (SELECT company FROM billing_accounts WHERE tenant_id = t.id ORDER BY deleted, last_event_created DESC LIMIT 1),
                   w.url, w.secret
              FROM (SELECT \(tenantID)::text AS id) t LEFT JOIN notification_webhooks w ON w.tenant_id = t.id
            """, logger: logger)
        for try await (contacts, company, url, secret) in rows.decode((String?, String?, String?, String?).self) {
            let decoded = try contacts.map { try JSONDecoder().decode([String: [String]].self, from: Data($0.utf8)) } ?? [:]
            let endpoint = url.flatMap { url in secret.map { WebhookEndpointRecord(tenantID: tenantID, url: url, secret: $0) } }
            return TenantRecipients(contacts: decoded, company: company, webhook: endpoint)
        }
        return TenantRecipients(contacts: [:], company: nil, webhook: nil)
    }

    public func webhookEndpoint(tenantID: String) async throws -> WebhookEndpointRecord? {
        let rows = try await client.query("""
            SELECT tenant_id, url, secret FROM notification_webhooks WHERE tenant_id = \(tenantID)
            """, logger: logger)
        for try await (tenant, url, secret) in rows.decode((String, String, String).self) {
            return WebhookEndpointRecord(tenantID: tenant, url: url, secret: secret)
        }
        return nil
    }

    public func setWebhookEndpoint(_ endpoint: WebhookEndpointRecord) async throws {
        try await client.query("""
            INSERT INTO notification_webhooks (tenant_id, url, secret) VALUES (\(endpoint.tenantID), \(endpoint.url), \(endpoint.secret))
            ON CONFLICT (tenant_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = now()
            """, logger: logger)
    }

    /// Returns whether there was one to remove.
    public func removeWebhookEndpoint(tenantID: String) async throws -> Bool {
        let rows = try await client.query("DELETE FROM notification_webhooks WHERE tenant_id = \(tenantID) RETURNING 1", logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
