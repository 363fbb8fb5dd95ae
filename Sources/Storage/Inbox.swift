import Logging
import PostgresNIO

/// `processed_events`: exactly-once effects over at-least-once delivery. A consumer claims
/// `(consumer, event id)` here in the same transaction as the event's effects.
///
/// The claim comes first and uses `ON CONFLICT DO NOTHING`: a second process holding the same
/// event waits on the first one's uncommitted row, then sees it and does nothing, so two
/// deliveries at the same moment can neither both apply the event nor fail on a unique-key
/// race. A failed handler rolls back its claim too, so the event is processed again when it
/// comes back. Call it inside the transaction that applies the event.
public struct Inbox: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Claims the event for `consumer`; false when it was processed already (apply nothing).
    public func claim(eventID: String, consumer: String) async throws -> Bool {
        let inserted = try await connection.query(
            "INSERT INTO processed_events (consumer, event_id) VALUES (\(consumer), \(eventID)) ON CONFLICT DO NOTHING RETURNING 1",
            logger: logger)
        for try await _ in inserted { return true }
        return false
    }

    /// Claims the events of `eventIDs` not yet processed by `consumer`; returns those (an id
    /// listed twice counts once).
    public func claim(eventIDs: [String], consumer: String) async throws -> Set<String> {
        let rows = try await connection.query("""
            INSERT INTO processed_events (consumer, event_id) SELECT \(consumer), unnest(\(eventIDs)::text[])
            ON CONFLICT DO NOTHING RETURNING event_id
            """, logger: logger)
        var new = Set<String>()
        for try await id in rows.decode(String.self) { new.insert(id) }
        return new
    }
}
