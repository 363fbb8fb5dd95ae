import Foundation
import Logging
import PostgresNIO

/// The outbox (`notifications`) and the tenants' webhook endpoints.
///
/// Run it outside a transaction (``PostgresStore/withConnection(on:logger:_:)``), so each call
/// commits on its own: a row's status must survive whatever happens to the request that created
/// it, because the message it stands for has left the building.
public struct NotificationStore: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
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
        let claimed = try await connection.query("""
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
        let rows = try await connection.query("SELECT delivery_key, status FROM notifications WHERE delivery_key = ANY(\(others))", logger: logger)
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
        try await connection.query("""
            UPDATE notifications
               SET status = \(status.rawValue), last_error = coalesce(\(error), last_error),
                   provider_response = coalesce(\(providerResponse), provider_response), subject = coalesce(\(subject), subject),
                   sending_since = NULL, updated_at = now(),
                   sent_at = CASE WHEN \(status.rawValue) = 'sent' THEN now() ELSE sent_at END
             WHERE delivery_key = \(deliveryKey)
            """, logger: logger)
    }

    /// A tenant's notifications, newest first.
    public func notifications(tenantID: String, status: NotificationRecord.Status?, limit: Int) async throws -> [NotificationRecord] {
        let rows = try await connection.query("""
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
        let rows = try await connection.query("""
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
        let rows = try await connection.query("""
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

    /// The tenant's webhook endpoint, if it has one.
    public func webhookEndpoint(tenantID: String) async throws -> WebhookEndpointRecord? {
        let rows = try await connection.query("""
            SELECT tenant_id, url, secret FROM notification_webhooks WHERE tenant_id = \(tenantID)
            """, logger: logger)
        for try await (tenant, url, secret) in rows.decode((String, String, String).self) {
            return WebhookEndpointRecord(tenantID: tenant, url: url, secret: secret)
        }
        return nil
    }

    /// Sets (or replaces) the tenant's webhook endpoint.
    public func setWebhookEndpoint(_ endpoint: WebhookEndpointRecord) async throws {
        try await connection.query("""
            INSERT INTO notification_webhooks (tenant_id, url, secret) VALUES (\(endpoint.tenantID), \(endpoint.url), \(endpoint.secret))
            ON CONFLICT (tenant_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = now()
            """, logger: logger)
    }

    /// Removes the tenant's webhook endpoint; returns whether there was one.
    public func removeWebhookEndpoint(tenantID: String) async throws -> Bool {
        let rows = try await connection.query("DELETE FROM notification_webhooks WHERE tenant_id = \(tenantID) RETURNING 1", logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
