import Foundation
import Logging
import PostgresNIO

/// `stripe_events`: every Stripe event once, with its raw payload.
public enum StripeEventStore {
    /// Stores the event unless its id is already there; true when it was new.
    @discardableResult
    public static func insert(id: String, type: String, created: Date?, livemode: Bool?, apiVersion: String?,
                              payload: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("""
            INSERT INTO stripe_events (id, type, created, livemode, api_version, payload)
            VALUES (\(id), \(type), \(created), \(livemode), \(apiVersion), \(payload)::jsonb)
            ON CONFLICT (id) DO NOTHING RETURNING 1
            """, logger: logger)
        var inserted = false
        for try await _ in rows { inserted = true }
        return inserted
    }
}
