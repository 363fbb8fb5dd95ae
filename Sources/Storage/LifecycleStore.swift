import BillingCore
import Foundation
import Logging
import PostgresNIO

/// Reads and writes the lifecycle tables. Rows travel as JSON, so a batch of any size is one
/// statement per table.
public enum LifecycleStore {
    /// Serialises batches that touch the same objects: a transaction-scoped advisory lock per
    /// object id, taken in sorted order (so two batches cannot deadlock on them). Rows that do
    /// not exist yet cannot be locked with `FOR UPDATE`; these locks cover them too.
    public static func lock(objectIDs: Set<String>, on connection: PostgresConnection, logger: Logger) async throws {
        guard !objectIDs.isEmpty else { return }
        let ids = objectIDs.sorted()
        _ = try await connection.query(
            "SELECT count(pg_advisory_xact_lock(hashtextextended(id, 7301))) FROM unnest(\(ids)::text[]) AS id",
            logger: logger).collect()
    }

    /// Loads the rows of the given objects (take ``lock(objectIDs:on:logger:)`` first).
    public static func load(customerIDs: Set<String>, subscriptionIDs: Set<String>, invoiceIDs: Set<String>,
                            on connection: PostgresConnection, logger: Logger) async throws -> LifecycleSnapshot {
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

    /// Writes `changes`. Object rows are only ever replaced by a newer version, whatever the
    /// caller decided, so the tables never go back in time.
    public static func save(_ changes: LifecycleChanges, on connection: PostgresConnection, logger: Logger) async throws {
        try await upsert(changes.accounts, versioned: true, on: connection, logger: logger)
        try await upsert(changes.subscriptions, versioned: true, on: connection, logger: logger)
        try await CommandStore.confirm(by: changes.subscriptions, on: connection, logger: logger)
        if !changes.items.isEmpty {
            let subscriptionIDs = Array(changes.items.keys)
            let keep = changes.items.values.flatMap { $0.map(\.stripeItemID) }
            _ = try await connection.query("""
                DELETE FROM subscription_items
                 WHERE stripe_subscription_id = ANY(\(subscriptionIDs)::text[]) AND NOT (stripe_item_id = ANY(\(keep)::text[]))
                """, logger: logger).collect()
            try await upsert(changes.items.values.flatMap { $0 }, versioned: false, on: connection, logger: logger)
        }
        try await upsert(changes.invoices, versioned: true, on: connection, logger: logger)
        try await insert(changes.transitions, on: connection, logger: logger)
        try await insert(changes.staleSnapshots, on: connection, logger: logger)
        try await insert(changes.movements, on: connection, logger: logger)
    }

    static func upsert<Record: LifecycleRecord>(_ records: [Record], versioned: Bool, on connection: PostgresConnection,
                                                 logger: Logger) async throws {
        guard !records.isEmpty else { return }
        let json = try RecordCoding.json(records)
        _ = try await connection.query(PostgresQuery(unsafeSQL: upsertSQL(Record.self, versioned: versioned), binds: binds(json)),
                                       logger: logger).collect()
    }

    static func insert<Record: LifecycleRecord>(_ records: [Record], on connection: PostgresConnection, logger: Logger) async throws {
        guard !records.isEmpty else { return }
        let json = try RecordCoding.json(records)
        _ = try await connection.query(PostgresQuery(unsafeSQL: insertSQL(Record.self), binds: binds(json)), logger: logger).collect()
    }

    static func binds(_ json: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(json)
        return binds
    }

    /// `INSERT … SELECT … FROM jsonb_populate_recordset … ON CONFLICT DO UPDATE`, the update
    /// guarded by the row version when `versioned` (compared byte-wise, as Swift compares ids).
    static func upsertSQL<Record: LifecycleRecord>(_: Record.Type, versioned: Bool) -> String {
        let columns = Record.columns.joined(separator: ", ")
        var updates = Record.columns.filter { !Record.key.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }
        var guardClause = ""
        if versioned {
            updates.append("updated_at = now()")
            guardClause = """
                 WHERE (\(Record.table).last_event_created, \(Record.table).last_event_id COLLATE "C")
                     < (EXCLUDED.last_event_created, EXCLUDED.last_event_id COLLATE "C")
                """
        }
        return """
            INSERT INTO \(Record.table) (\(columns))
            SELECT \(columns) FROM jsonb_populate_recordset(NULL::\(Record.table), $1::jsonb)
            ON CONFLICT (\(Record.key.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))\(guardClause)
            """
    }

    static func insertSQL<Record: LifecycleRecord>(_: Record.Type) -> String {
        let columns = Record.columns.joined(separator: ", ")
        return """
            INSERT INTO \(Record.table) (\(columns))
            SELECT \(columns) FROM jsonb_populate_recordset(NULL::\(Record.table), $1::jsonb)
            ON CONFLICT DO NOTHING
            """
    }
}
