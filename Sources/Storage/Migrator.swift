import Logging
import PostgresNIO

/// Applies ``Migration/all`` that the database does not have yet.
///
/// The whole run is one transaction holding a transaction-scoped advisory lock, so two
/// processes migrating at once are serialised: the second waits, then finds nothing to do.
/// A failing migration rolls the run back and leaves the schema as it was.
public struct Migrator: Sendable {
    /// The advisory lock key; any constant unique to this application.
    static let lockKey: Int64 = 0x6269_6c6c_696e_67  // "billing"

    let migrations: [Migration]

    /// A migrator for `migrations` (every migration of this project unless a test gives its own).
    public init(migrations: [Migration] = Migration.all) {
        self.migrations = migrations
    }

    /// Returns the versions applied by this run (empty when the schema was current).
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.transaction(logger: logger) { connection in
            // A migration may rewrite a large table: no statement timeout for this transaction.
            try await connection.query("SET LOCAL statement_timeout = 0", logger: logger)
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            let known = Set(migrations.map(\.version))
            let unknown = applied.subtracting(known).sorted()
            guard unknown.isEmpty else { throw StorageError.unknownMigrations(versions: unknown) }

            var ran: [Int] = []
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
                do {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                } catch let error as PSQLError {
                    throw StorageError.migrationFailed(version: migration.version, name: migration.name,
                                                       reason: error.serverInfo?[.message] ?? "\(error)")
                }
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                ran.append(migration.version)
            }
            return ran
        }
    }
}
