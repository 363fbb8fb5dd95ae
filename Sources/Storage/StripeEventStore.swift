import Foundation
import Logging
import PostgresNIO

/// `stripe_events`: every Stripe event once, with its raw payload.
public struct StripeEventStore: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Stores the events whose ids are not there yet, in one statement; returns how many were new.
    @discardableResult
    public func insert(_ events: [StripeEventRecord]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        // Arrays cannot carry NULLs through postgres-nio's encoders: "" stands for none.
        let rows = try await connection.query("""
            INSERT INTO stripe_events (id, type, created, livemode, api_version, payload)
            SELECT id, type, to_timestamp(created), NULLIF(livemode, '')::boolean, NULLIF(api_version, ''), payload::jsonb
              FROM unnest(\(events.map(\.id))::text[], \(events.map(\.type))::text[], \(events.map(\.created))::bigint[],
                          \(events.map { $0.livemode.map(String.init) ?? "" })::text[],
                          \(events.map { $0.apiVersion ?? "" })::text[], \(events.map(\.payload))::text[])
                   AS e(id, type, created, livemode, api_version, payload)
            ON CONFLICT (id) DO NOTHING RETURNING 1
            """, logger: logger)
        var inserted = 0
        for try await _ in rows { inserted += 1 }
        return inserted
    }
}
