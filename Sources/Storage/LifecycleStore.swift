import BillingCore
import Foundation
import Logging
import PostgresNIO

/// The lifecycle tables: billing accounts, subscriptions and their items, invoices, status
/// transitions, stale snapshots and MRR movements.
///
/// The lifecycle consumer takes ``lock(objectIDs:)``, reads a ``snapshot(customerIDs:subscriptionIDs:invoiceIDs:)``
/// and writes ``save(_:)`` in its inbox transaction; the read routes and the other consumers
/// use the reads.
public struct LifecycleStore: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Serialises transactions that touch the same objects: a transaction-scoped advisory lock
    /// per object id, taken in sorted order (so two batches cannot deadlock on them). Rows that
    /// do not exist yet cannot be locked with `FOR UPDATE`; these locks cover them too. Call it
    /// inside a transaction.
    public func lock(objectIDs: Set<String>) async throws {
        guard !objectIDs.isEmpty else { return }
        let ids = objectIDs.sorted()
        _ = try await connection.query(
            "SELECT count(pg_advisory_xact_lock(hashtextextended(id, 7301))) FROM unnest(\(ids)::text[]) AS id",
            logger: logger).collect()
    }

    /// The rows of the given objects (take ``lock(objectIDs:)`` first).
    public func snapshot(customerIDs: Set<String>, subscriptionIDs: Set<String>, invoiceIDs: Set<String>) async throws -> LifecycleSnapshot {
        var snapshot = LifecycleSnapshot()
        guard !(customerIDs.isEmpty && subscriptionIDs.isEmpty && invoiceIDs.isEmpty) else { return snapshot }
        let customers = Array(customerIDs), subscriptions = Array(subscriptionIDs), invoices = Array(invoiceIDs)
        let rows = try await connection.query("""
            SELECT 'a', to_jsonb(t)::text FROM billing_accounts t WHERE stripe_customer_id = ANY(\(customers)::text[])
            UNION ALL
            SELECT 's', to_jsonb(t)::text FROM subscriptions t WHERE stripe_subscription_id = ANY(\(subscriptions)::text[])
            UNION ALL
            SELECT 'i', to_jsonb(t)::text FROM invoices t WHERE stripe_invoice_id = ANY(\(invoices)::text[])
            UNION ALL
            SELECT DISTINCT 'r', to_jsonb(stripe_customer_id)::text FROM mrr_movements
             WHERE stripe_customer_id = ANY(\(customers)::text[]) AND to_mrr > 0
            """, logger: logger)
        let decoder = RecordCoding.decoder
        for try await (kind, json) in rows.decode((String, String).self) {
            let data = Data(json.utf8)
            switch kind {
            case "a":
                let account = try decoder.decode(AccountRecord.self, from: data)
                snapshot.accounts[account.stripeCustomerID] = account
            case "s":
                let subscription = try decoder.decode(SubscriptionRecord.self, from: data)
                snapshot.subscriptions[subscription.stripeSubscriptionID] = subscription
            case "i":
                let invoice = try decoder.decode(InvoiceRecord.self, from: data)
                snapshot.invoices[invoice.stripeInvoiceID] = invoice
            default:
                snapshot.customersWithRevenue.insert(try decoder.decode(String.self, from: data))
            }
        }
        return snapshot
    }

    /// Writes `changes`, and confirms the commands whose effect the new subscription rows show.
    /// Object rows are only ever replaced by a newer version, whatever the caller decided, so
    /// the tables never go back in time.
    public func save(_ changes: LifecycleChanges) async throws {
        try await connection.upsert(changes.accounts, versioned: true, logger: logger)
        try await connection.upsert(changes.subscriptions, versioned: true, logger: logger)
        try await CommandStore(connection: connection, logger: logger).confirm(by: changes.subscriptions)
        if !changes.items.isEmpty {
            let subscriptionIDs = Array(changes.items.keys)
            let keep = changes.items.values.flatMap { $0.map(\.stripeItemID) }
            _ = try await connection.query("""
                DELETE FROM subscription_items
                 WHERE stripe_subscription_id = ANY(\(subscriptionIDs)::text[]) AND NOT (stripe_item_id = ANY(\(keep)::text[]))
                """, logger: logger).collect()
            try await connection.upsert(changes.items.values.flatMap { $0 }, versioned: false, logger: logger)
        }
        try await connection.upsert(changes.invoices, versioned: true, logger: logger)
        try await connection.insert(changes.transitions, logger: logger)
        try await connection.insert(changes.staleSnapshots, logger: logger)
        try await connection.insert(changes.movements, logger: logger)
    }

    /// The tenant's billing account (the most recently updated, if several customers name it).
    public func account(tenantID: String) async throws -> AccountRecord? {
        try await connection.records(AccountRecord.self, """
            SELECT to_jsonb(a)::text FROM billing_accounts a WHERE tenant_id = \(tenantID)
             ORDER BY deleted, last_event_created DESC LIMIT 1
            """, logger: logger).first
    }

    /// The tenant's current subscription: a live one before an ended one, then the newest.
    public func currentSubscription(tenantID: String) async throws -> SubscriptionRecord? {
        try await connection.records(SubscriptionRecord.self, """
            SELECT to_jsonb(s)::text FROM subscriptions s
              LEFT JOIN billing_accounts a ON a.stripe_customer_id = s.stripe_customer_id
             WHERE coalesce(s.tenant_id, a.tenant_id) = \(tenantID)
             ORDER BY s.status IN ('canceled', 'incomplete_expired'), s.created DESC NULLS LAST, s.last_event_created DESC
             LIMIT 1
            """, logger: logger).first
    }

    /// The subscription with Stripe id `id`, if this worker has seen it.
    public func subscription(id: String) async throws -> SubscriptionRecord? {
        try await connection.records(SubscriptionRecord.self,
                                     "SELECT to_jsonb(s)::text FROM subscriptions s WHERE stripe_subscription_id = \(id)",
                                     logger: logger).first
    }

    /// The tenant a subscription belongs to (its own metadata, else its customer's).
    public func tenant(of subscription: SubscriptionRecord) async throws -> String? {
        if let tenant = subscription.tenantID { return tenant }
        let rows = try await connection.query(
            "SELECT tenant_id FROM billing_accounts WHERE stripe_customer_id = \(subscription.stripeCustomerID)", logger: logger)
        for try await tenant in rows.decode(String?.self) { return tenant }
        return nil
    }

    /// The subscription's tenant, and whether a customer event of its customer has been applied
    /// (its account row exists), read in one statement so that the two agree.
    public func tenantAndAccount(of subscription: SubscriptionRecord) async throws -> (tenantID: String?, accountKnown: Bool) {
        let rows = try await connection.query(
            "SELECT tenant_id FROM billing_accounts WHERE stripe_customer_id = \(subscription.stripeCustomerID)", logger: logger)
        for try await tenant in rows.decode(String?.self) { return (subscription.tenantID ?? tenant, true) }
        return (subscription.tenantID, false)
    }

    /// The subscription's items, by item id.
    public func items(subscriptionID: String) async throws -> [SubscriptionItemRecord] {
        try await connection.records(SubscriptionItemRecord.self, """
            SELECT to_jsonb(i)::text FROM subscription_items i WHERE stripe_subscription_id = \(subscriptionID) ORDER BY stripe_item_id
            """, logger: logger)
    }

    /// The subscription's invoices, newest first.
    public func invoices(subscriptionID: String, limit: Int = 50) async throws -> [InvoiceRecord] {
        try await connection.records(InvoiceRecord.self, """
            SELECT to_jsonb(i)::text FROM invoices i WHERE stripe_subscription_id = \(subscriptionID)
             ORDER BY created DESC NULLS LAST, last_event_created DESC LIMIT \(limit)
            """, logger: logger)
    }

    /// The subscription's newest open invoice.
    public func openInvoice(subscriptionID: String) async throws -> InvoiceRecord? {
        try await connection.records(InvoiceRecord.self, """
            SELECT to_jsonb(i)::text FROM invoices i WHERE stripe_subscription_id = \(subscriptionID) AND status = 'open'
             ORDER BY created DESC NULLS LAST LIMIT 1
            """, logger: logger).first
    }

    /// The subscription's status changes, in the order Stripe made them.
    public func transitions(subscriptionID: String) async throws -> [TransitionRecord] {
        try await connection.records(TransitionRecord.self, """
            SELECT to_jsonb(t)::text FROM subscription_transitions t WHERE stripe_subscription_id = \(subscriptionID)
             ORDER BY event_created, event_id COLLATE "C"
            """, logger: logger)
    }

    /// Every MRR movement in `currency` before `end`, for the revenue report.
    public func movements(before end: Date, currency: String) async throws -> [MRRMovementRecord] {
        try await connection.records(MRRMovementRecord.self, """
            SELECT to_jsonb(m)::text FROM mrr_movements m WHERE occurred_at < \(end) AND currency = \(currency)
            """, logger: logger)
    }
}
