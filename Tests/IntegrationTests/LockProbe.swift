import Foundation
import PostgresNIO
import Storage

/// Asks PostgreSQL, without waiting, whether another session holds a lock: the tests that check
/// Stripe is never called while a consumer's transaction holds row locks ask it from the fake
/// Stripe's request handler, that is while the call is being made.
enum LockProbe {
    /// True when `LifecycleStore.lock(objectIDs:)` on `objectID` (a subscription, invoice or
    /// customer id) is free now.
    static func lifecycleObjectIsFree(_ objectID: String) async throws -> Bool {
        try await Database.withDatabase(configuration: TestServers.database, logger: TestServers.logger) { database in
            try await database.client.transaction(logger: TestServers.logger) { connection in
                let rows = try await connection.query("SELECT pg_try_advisory_xact_lock(hashtextextended(\(objectID), 7301))",
                                                      logger: TestServers.logger)
                for try await free in rows.decode(Bool.self) { return free }
                return false
            }
        }
    }

    /// True when the dunning case of `invoiceID` is not locked by another transaction.
    static func dunningCaseIsFree(invoiceID: String) async throws -> Bool {
        try await Database.withDatabase(configuration: TestServers.database, logger: TestServers.logger) { database in
            do {
                return try await database.client.transaction(logger: TestServers.logger) { connection in
                    let rows = try await connection.query("SELECT 1 FROM dunning_cases WHERE stripe_invoice_id = \(invoiceID) FOR UPDATE NOWAIT",
                                                          logger: TestServers.logger)
                    for try await _ in rows {}
                    return true
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
                return false  // lock_not_available
            }
        }
    }
}
