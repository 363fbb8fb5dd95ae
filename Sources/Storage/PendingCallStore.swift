import Foundation
import Logging
import PostgresNIO

/// `pending_calls`: the calls to Stripe a consumer has decided and not yet finished (see
/// ``PendingCall``). The handler adds one inside its event's transaction; after the commit the
/// runner takes it and the handler makes the call with no transaction open, then records the
/// outcome in a transaction that also ``finish(_:)``es the row, so the outcome is recorded
/// once however often the call was made (each call carries its idempotency key).
///
/// A taken row is claimed for a lease; a row whose claim has run out (its process died, or its
/// attempt failed and waits for its retry) is taken again by any process's sweep.
public struct PendingCallStore: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// How long a new row is left to the process that added it before a sweep may take it: it
    /// covers only the moment between the commit and ``take(consumer:eventIDs:lease:)``.
    public static let firstClaim: Duration = .seconds(30)

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Records a call to make once this transaction commits; a call with the same key already
    /// recorded is left as it is. Call it inside the event's transaction.
    public func add(key: String, consumer: String, eventID: String, payload: String) async throws {
        _ = try await connection.query("""
            INSERT INTO pending_calls (call_key, consumer, event_id, payload, claimed_until)
            VALUES (\(key), \(consumer), \(eventID), \(payload)::jsonb, clock_timestamp() + \(Self.seconds(Self.firstClaim)) * interval '1 second')
            ON CONFLICT (call_key) DO NOTHING
            """, logger: logger).collect()
    }

    /// Takes the calls that the transactions of `eventIDs` just added (never taken before), claimed for `lease`.
    public func take(consumer: String, eventIDs: [String], lease: Duration) async throws -> [PendingCall] {
        try await taken(connection.query("""
            UPDATE pending_calls SET attempts = attempts + 1, claimed_until = now() + \(Self.seconds(lease)) * interval '1 second'
             WHERE consumer = \(consumer) AND event_id = ANY(\(eventIDs)::text[]) AND attempts = 0
            RETURNING call_key, consumer, event_id, payload::text, attempts, last_error
            """, logger: logger))
    }

    /// Takes up to `limit` calls of `consumer` whose claim has run out, oldest claim first, claimed for `lease`.
    public func takeDue(consumer: String, limit: Int, lease: Duration) async throws -> [PendingCall] {
        try await taken(connection.query("""
            UPDATE pending_calls SET attempts = attempts + 1, claimed_until = now() + \(Self.seconds(lease)) * interval '1 second'
             WHERE call_key IN (SELECT call_key FROM pending_calls WHERE consumer = \(consumer) AND claimed_until < now()
                                 ORDER BY claimed_until LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING call_key, consumer, event_id, payload::text, attempts, last_error
            """, logger: logger))
    }

    /// Ends the call as taken for its `attempts`-th time; false when another process ended it
    /// first or has taken it since (its claim ran out), and then this one records nothing. Call
    /// it inside the transaction that records the outcome.
    public func finish(_ call: PendingCall) async throws -> Bool {
        let rows = try await connection.query(
            "DELETE FROM pending_calls WHERE call_key = \(call.key) AND attempts = \(Int32(call.attempts)) RETURNING 1", logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Leaves the call for a later attempt, `delay` from now, with why this one failed; nothing
    /// when another process has taken it since.
    public func postpone(_ call: PendingCall, by delay: Duration, error: String) async throws {
        _ = try await connection.query("""
            UPDATE pending_calls SET claimed_until = now() + \(Self.seconds(delay)) * interval '1 second', last_error = \(error)
             WHERE call_key = \(call.key) AND attempts = \(Int32(call.attempts))
            """, logger: logger).collect()
    }

    /// The calls of `consumer` not finished yet, oldest first (for operators and tests).
    public func calls(consumer: String, limit: Int = 100) async throws -> [PendingCall] {
        try await taken(connection.query("""
            SELECT call_key, consumer, event_id, payload::text, attempts, last_error FROM pending_calls
             WHERE consumer = \(consumer) ORDER BY created_at LIMIT \(limit)
            """, logger: logger))
    }

    private func taken(_ rows: PostgresRowSequence) async throws -> [PendingCall] {
        var calls: [PendingCall] = []
        for try await (key, consumer, eventID, payload, attempts, lastError) in rows.decode((String, String, String, String, Int32, String?).self) {
            calls.append(PendingCall(key: key, consumer: consumer, eventID: eventID, payload: payload, attempts: Int(attempts), lastError: lastError))
        }
        return calls
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
