import BillingCore
import Foundation
import Logging
import PostgresNIO

/// Reads of the lifecycle tables for the operator endpoints.
public struct LifecycleQueries: Sendable {
    enum Source: Sendable {
        case pool(PostgresClient)
        case transaction(PostgresConnection)
    }

    let source: Source
    public let logger: Logger

    /// Reads through the pool.
    public init(client: PostgresClient, logger: Logger) {
        self.source = .pool(client)
        self.logger = logger
    }

    /// Reads inside a transaction, on its connection.
    public init(connection: PostgresConnection, logger: Logger) {
        self.source = .transaction(connection)
        self.logger = logger
    }

    func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        switch source {
        case .pool(let client): try await client.query(query, logger: logger)
        case .transaction(let connection): try await connection.query(query, logger: logger)
        }
    }

    /// The tenant's billing account (the most recently updated, if several customers name it).
    public func account(tenantID: String) async throws -> AccountRecord? {
        try await rows(AccountRecord.self, """
            SELECT to_jsonb(a)::text FROM billing_accounts a WHERE tenant_id = \(tenantID)
             ORDER BY deleted, last_event_created DESC LIMIT 1
            """).first
    }

    /// The tenant's current subscription: a live one before an ended one, then the newest.
    public func currentSubscription(tenantID: String) async throws -> SubscriptionRecord? {
        try await rows(SubscriptionRecord.self, """
            SELECT to_jsonb(s)::text FROM subscriptions s
              LEFT JOIN billing_accounts a ON a.stripe_customer_id = s.stripe_customer_id
             WHERE coalesce(s.tenant_id, a.tenant_id) = \(tenantID)
             ORDER BY s.status IN ('canceled', 'incomplete_expired'), s.created DESC NULLS LAST, s.last_event_created DESC
             LIMIT 1
            """).first
    }

    public func subscription(id: String) async throws -> SubscriptionRecord? {
        try await rows(SubscriptionRecord.self, "SELECT to_jsonb(s)::text FROM subscriptions s WHERE stripe_subscription_id = \(id)").first
    }

    /// The tenant a subscription belongs to (its own metadata, else its customer's).
    public func tenant(of subscription: SubscriptionRecord) async throws -> String? {
        if let tenant = subscription.tenantID { return tenant }
        let rows = try await query("SELECT tenant_id FROM billing_accounts WHERE stripe_customer_id = \(subscription.stripeCustomerID)")
        for try await tenant in rows.decode(String?.self) { return tenant }
        return nil
    }

    public func items(subscriptionID: String) async throws -> [SubscriptionItemRecord] {
        try await rows(SubscriptionItemRecord.self,
                       "SELECT to_jsonb(i)::text FROM subscription_items i WHERE stripe_subscription_id = \(subscriptionID) ORDER BY stripe_item_id")
    }

    /// The subscription's invoices, newest first.
    public func invoices(subscriptionID: String, limit: Int = 50) async throws -> [InvoiceRecord] {
        try await rows(InvoiceRecord.self, """
            SELECT to_jsonb(i)::text FROM invoices i WHERE stripe_subscription_id = \(subscriptionID)
             ORDER BY created DESC NULLS LAST, last_event_created DESC LIMIT \(limit)
            """)
    }

    /// The subscription's status changes, in the order Stripe made them.
    public func transitions(subscriptionID: String) async throws -> [TransitionRecord] {
        try await rows(TransitionRecord.self, """
            SELECT to_jsonb(t)::text FROM subscription_transitions t WHERE stripe_subscription_id = \(subscriptionID)
             ORDER BY event_created, event_id COLLATE "C"
            """)
    }

    /// Every MRR movement in `currency` before `end`, for the revenue report.
    public func movements(before end: Date, currency: String) async throws -> [MRRMovementRecord] {
        try await rows(MRRMovementRecord.self, """
            SELECT to_jsonb(m)::text FROM mrr_movements m WHERE occurred_at < \(end) AND currency = \(currency)
            """)
    }

    /// The subscription's newest open invoice.
    public func openInvoice(subscriptionID: String) async throws -> InvoiceRecord? {
        try await rows(InvoiceRecord.self, """
            SELECT to_jsonb(i)::text FROM invoices i WHERE stripe_subscription_id = \(subscriptionID) AND status = 'open'
             ORDER BY created DESC NULLS LAST LIMIT 1
            """).first
    }

    /// The tenant's commands, newest first.
    public func commands(tenantID: String, limit: Int = 100) async throws -> [CommandRecord] {
        try await rows(CommandRecord.self, """
            SELECT to_jsonb(c)::text FROM lifecycle_commands c WHERE tenant_id = \(tenantID) ORDER BY created_at DESC LIMIT \(limit)
            """)
    }

    /// The tenant's open dunning cases.
    public func openDunningCases(tenantID: String) async throws -> [DunningCase] {
        try await rows(CaseRecord.self, "SELECT to_jsonb(c)::text FROM dunning_cases c WHERE tenant_id = \(tenantID) AND status = 'open'")
            .map(\.dunningCase)
    }

    /// The service state dunning set for the tenant (normal when none).
    public func serviceState(tenantID: String) async throws -> ServiceState {
        let rows = try await query("SELECT state FROM tenant_service_states WHERE tenant_id = \(tenantID)")
        for try await state in rows.decode(String.self) { return ServiceState(rawValue: state) ?? .normal }
        return .normal
    }

    private func rows<Record: LifecycleRecord>(_: Record.Type, _ query: PostgresQuery) async throws -> [Record] {
        let decoder = RecordCoding.decoder
        var records: [Record] = []
        for try await json in try await self.query(query).decode(String.self) {
            records.append(try decoder.decode(Record.self, from: Data(json.utf8)))
        }
        return records
    }
}
