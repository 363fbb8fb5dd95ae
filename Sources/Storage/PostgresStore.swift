import Logging
import PostgresNIO

/// The one shape of every store in this module: the SQL of one group of tables, run on a
/// connection the caller holds.
///
/// A store never opens a transaction or leases a connection itself, so the caller decides
/// what commits together: a consumer runs several stores on the connection of its inbox
/// transaction (see `docs/ARCHITECTURE.md`, "Storage"); a read route leases one connection for
/// the whole request with ``withConnection(on:logger:_:)``; a batch that must be atomic uses
/// ``withTransaction(on:logger:_:)``.
///
/// Conventions: a method that only reads is named for what it returns (`subscription(id:)`,
/// `openCases(tenantID:)`); one that writes is an imperative verb (`save`, `record`, `claim`,
/// `markSent`). A method that must run inside a transaction (it locks rows for the rest of it)
/// says so in its comment. The SQL lives in the store's file, nowhere else.
public protocol PostgresStore: Sendable {
    /// A store over `connection`, logging its statements to `logger`.
    init(connection: PostgresConnection, logger: Logger)
}

extension PostgresStore {
    /// Runs `body` with a store on a connection leased from `client` for its duration. Each
    /// statement commits on its own.
    public static func withConnection<Result>(on client: PostgresClient, logger: Logger, isolation: isolated (any Actor)? = #isolation,
                                              _ body: (Self) async throws -> sending Result) async throws -> sending Result {
        try await client.withConnection(isolation: isolation) { connection in
            try await body(Self(connection: connection, logger: logger))
        }
    }

    /// Runs `body` with a store inside one transaction: committed when `body` returns, rolled
    /// back when it throws. The error rethrown is `body`'s own (or the begin's or the commit's).
    public static func withTransaction<Result>(on client: PostgresClient, logger: Logger, isolation: isolated (any Actor)? = #isolation,
                                               _ body: (Self) async throws -> sending Result) async throws -> sending Result {
        try await client.transaction(logger: logger, isolation: isolation) { connection in
            try await body(Self(connection: connection, logger: logger))
        }
    }
}
