import BillingCore
import Foundation
import Logging
import PostgresNIO

/// `lifecycle_commands`: what the platform asked of a subscription, what Stripe answered, and
/// whether a webhook has since shown the expected state.
public struct CommandStore: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Records the command's outcome (a command run again after a failure replaces it).
    public func record(_ command: CommandRecord) async throws {
        let columns = CommandRecord.columns.joined(separator: ", ")
        let updates = CommandRecord.columns.filter { $0 != "command_id" }.map { "\($0) = EXCLUDED.\($0)" } + ["updated_at = now()"]
        let sql = """
            INSERT INTO lifecycle_commands (\(columns))
            SELECT \(columns) FROM jsonb_populate_recordset(NULL::lifecycle_commands, $1::jsonb)
            ON CONFLICT (command_id) DO UPDATE SET \(updates.joined(separator: ", "))
            """
        _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: PostgresConnection.binds(try RecordCoding.json([command]))),
                                       logger: logger).collect()
    }

    /// Records what Stripe answered to a pending command: its status (unless a webhook has
    /// confirmed it meanwhile), why it failed, and Stripe's request ids.
    public func settle(commandID: String, status: CommandRecord.Status, reason: String?, requestIDs: [String]) async throws {
        _ = try await connection.query("""
            UPDATE lifecycle_commands
               SET status = CASE WHEN status = 'pending' THEN \(status.rawValue) ELSE status END,
                   reason = CASE WHEN status = 'pending' THEN \(reason) ELSE reason END,
                   stripe_request_ids = \(requestIDs)::text[], updated_at = now()
             WHERE command_id = \(commandID)
            """, logger: logger).collect()
    }

    /// Marks as confirmed the pending or sent commands whose expected state these snapshots show; returns
    /// how many.
    @discardableResult
    public func confirm(by subscriptions: [SubscriptionRecord]) async throws -> Int {
        guard !subscriptions.isEmpty else { return 0 }
        // Arrays cannot carry NULLs through postgres-nio's encoders: "" stands for none.
        let rows = try await connection.query("""
            UPDATE lifecycle_commands c SET status = 'confirmed', confirmed_at = now(), updated_at = now()
              FROM unnest(\(subscriptions.map(\.stripeSubscriptionID))::text[], \(subscriptions.map { $0.priceID ?? "" })::text[],
                          \(subscriptions.map(\.cancelAtPeriodEnd))::boolean[], \(subscriptions.map(\.status.rawValue))::text[])
                   AS s(id, price_id, cancel_at_period_end, status)
             WHERE c.stripe_subscription_id = s.id AND c.status IN ('pending', 'sent')
               AND (c.expect_price_id IS NULL OR c.expect_price_id = s.price_id)
               AND (c.expect_cancel_at_period_end IS NULL OR c.expect_cancel_at_period_end = s.cancel_at_period_end)
               AND (c.expect_status IS NULL OR c.expect_status = s.status)
            RETURNING 1
            """, logger: logger)
        var confirmed = 0
        for try await _ in rows { confirmed += 1 }
        return confirmed
    }

    /// The tenant's commands, newest first.
    public func commands(tenantID: String, limit: Int = 100) async throws -> [CommandRecord] {
        try await connection.records(CommandRecord.self, """
            SELECT to_jsonb(c)::text FROM lifecycle_commands c WHERE tenant_id = \(tenantID) ORDER BY created_at DESC LIMIT \(limit)
            """, logger: logger)
    }
}
