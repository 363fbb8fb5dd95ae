import AMQP
import Logging
import PostgresNIO

/// A consumer's effects for one event, applied inside the transaction that records the event
/// in the inbox. Throw ``PermanentFailure`` for input that can never succeed and
/// ``TransientFailure`` (or let database/network errors through) for what may succeed later.
public protocol EventHandler: Sendable {
    /// Applies `event` on `connection`, inside the transaction that records it in the inbox; throwing rolls both back.
    func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws

    /// A batch of events, new to the inbox and in delivery order, in one transaction (for a
    /// consumer whose file sets `batch_size`). If it throws, the runner rolls the batch back and
    /// handles each event on its own, so one bad event cannot hold back the others. The default
    /// handles the events one after another.
    func handle(batch events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws
}

extension EventHandler {
    /// Handles the events one after another, in the one transaction.
    public func handle(batch events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws {
        for event in events {
            try await handle(event, connection: connection, logger: logger)
        }
    }
}

/// A handler whose effects cannot join a database transaction: messages that leave for
/// people and other systems. It keeps its own record of what it has done (the notifications
/// outbox, one row per message) and is called without the inbox, so that a request retried
/// after a partial failure resends only what did not go out.
public protocol OutboxEventHandler: EventHandler {
    /// Returns false when the event changed nothing (everything it asks for was done before),
    /// which the runner counts as a duplicate.
    func handle(_ event: InboundEvent, logger: Logger) async throws -> Bool
}

extension OutboxEventHandler {
    /// Inside an inbox transaction (a test, or a batch) it does the same: its records commit
    /// on their own.
    public func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        _ = try await handle(event, logger: logger)
    }
}
