import Foundation
import Logging
import PostgresNIO

/// `stripe_events`: every Stripe event once, with its raw payload.
public enum StripeEventStore {
    /// One event as archived.
    public struct Event: Sendable, Equatable {
        public var id: String
        public var type: String
        /// Unix seconds.
        public var created: Int64
        public var livemode: Bool?
        public var apiVersion: String?
        /// The raw JSON body, as Stripe sent it.
        public var payload: String

        public init(id: String, type: String, created: Int64, livemode: Bool?, apiVersion: String?, payload: String) {
            self.id = id
            self.type = type
            self.created = created
            self.livemode = livemode
            self.apiVersion = apiVersion
            self.payload = payload
        }
    }

    /// Stores the events whose ids are not there yet, in one statement; returns how many were new.
    @discardableResult
    public static func insert(_ events: [Event], on connection: PostgresConnection, logger: Logger) async throws -> Int {
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
