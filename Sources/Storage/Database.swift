import Logging
import PostgresNIO

/// The connection pool to PostgreSQL. Run ``client`` as a `Service` (it is one).
public struct Database: Sendable {
    /// Where the database is.
    public let configuration: DatabaseConfiguration
    /// The pool; stores run on connections leased from it.
    public let client: PostgresClient

    /// A pool for `configuration`; it connects once ``client`` runs.
    public init(configuration: DatabaseConfiguration, logger: Logger) {
        self.configuration = configuration
        self.client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
    }

    /// Runs `body` with a running pool, then stops it.
    @discardableResult
    public static func withDatabase<Result: Sendable>(
        configuration: DatabaseConfiguration, logger: Logger,
        _ body: (Database) async throws -> Result
    ) async throws -> Result {
        let database = Database(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            return try await body(database)
        }
    }

    /// True when the database answers a trivial query within `timeout`, on a connection of the
    /// probe's own (see ``DatabaseProbe``): a readiness probe must answer quickly whatever the
    /// database does, and the pool's connections can be held by a server that stopped answering.
    public func isReachable(logger: Logger, timeout: Duration = .seconds(1)) async -> Bool {
        await DatabaseProbe(configuration: configuration, timeout: timeout, logger: logger).answers()
    }
}
