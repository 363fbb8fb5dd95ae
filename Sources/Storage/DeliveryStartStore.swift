import Logging
import PostgresNIO

/// `delivery_starts`: how often each consumer began handling a redelivered message. The
/// runner counts a start, committed, before it handles such a message alone in its process;
/// a count past the consumer's crash limit means the message killed the process each time.
public struct DeliveryStartStore: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Counts one more start of `eventID` by `consumer`; returns the count, this one included.
    public func start(consumer: String, eventID: String) async throws -> Int {
        let rows = try await connection.query("""
            INSERT INTO delivery_starts (consumer, event_id, starts) VALUES (\(consumer), \(eventID), 1)
            ON CONFLICT (consumer, event_id) DO UPDATE SET starts = delivery_starts.starts + 1, updated_at = now()
            RETURNING starts
            """, logger: logger)
        for try await starts in rows.decode(Int32.self) { return Int(starts) }
        return 1
    }

    /// Forgets the count once the message is settled (acknowledged, retried or dead-lettered).
    public func clear(consumer: String, eventID: String) async throws {
        _ = try await connection.query("DELETE FROM delivery_starts WHERE consumer = \(consumer) AND event_id = \(eventID)",
                                       logger: logger).collect()
    }
}
