import Logging
import PostgresNIO

/// Exactly-once effects over at-least-once delivery: a consumer records `(consumer, event id)`
/// in `processed_events` in the same transaction as the event's effects.
///
/// The insert comes first and uses `ON CONFLICT DO NOTHING`: a second process holding the same
/// event waits on the first one's uncommitted row, then sees it and does nothing, so two
/// deliveries at the same moment can neither both apply the event nor fail on a unique-key
/// race. A failed handler rolls back its inbox row too, so the event is processed again when
/// it comes back.
public struct Inbox: Sendable {
    public let consumer: String

    public init(consumer: String) {
        self.consumer = consumer
    }

    /// Runs `apply` in a transaction with the inbox insert. Returns false (without running
    /// `apply`) when the event was already processed.
    public func process(eventID: String, client: PostgresClient, logger: Logger,
                        apply: (PostgresConnection) async throws -> Void) async throws -> Bool {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let inserted = try await connection.query(
                    "INSERT INTO processed_events (consumer, event_id) VALUES (\(consumer), \(eventID)) ON CONFLICT DO NOTHING RETURNING 1",
                    logger: logger)
                var isNew = false
                for try await _ in inserted { isNew = true }
                guard isNew else { return false }
                try await apply(connection)
                return true
            }
        } catch let error as PostgresTransactionError {
            // The handler's own error (or the commit's) says what went wrong, not the wrapper.
            if let cause = error.closureError ?? error.commitError ?? error.beginError { throw cause }
            throw error
        }
    }

    /// Runs `apply` with the events of `eventIDs` not yet processed, in one transaction with
    /// their inbox rows. Returns the ids that were new (an id listed twice counts once).
    public func processBatch(eventIDs: [String], client: PostgresClient, logger: Logger,
                             apply: (Set<String>, PostgresConnection) async throws -> Void) async throws -> Set<String> {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query("""
                    INSERT INTO processed_events (consumer, event_id) SELECT \(consumer), unnest(\(eventIDs)::text[])
                    ON CONFLICT DO NOTHING RETURNING event_id
                    """, logger: logger)
                var new = Set<String>()
                for try await id in rows.decode(String.self) { new.insert(id) }
                if !new.isEmpty { try await apply(new, connection) }
                return new
            }
        } catch let error as PostgresTransactionError {
            if let cause = error.closureError ?? error.commitError ?? error.beginError { throw cause }
            throw error
        }
    }
}
