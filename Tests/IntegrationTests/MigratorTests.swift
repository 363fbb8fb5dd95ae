import Foundation
import Logging
import PostgresNIO
import Storage
import Testing

extension Integration {
    @Suite("Migrations against PostgreSQL")
    struct MigratorTests {
        let logger = TestServers.logger

        /// Creates an empty database for one test and drops it afterwards.
        func withFreshDatabase(_ body: (DatabaseConfiguration) async throws -> Void) async throws {
            let name = "billing_test_\(UUID().uuidString.prefix(8).lowercased())"
            let admin = TestServers.database
            try await Database.withDatabase(configuration: admin, logger: logger) { database in
                try await database.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
            }
            do {
                try await body(admin.with(database: name))
            } catch {
                try? await drop(name)  // clean-up on the way out; the test's own error is what matters
                throw error
            }
            try await drop(name)
        }

        func drop(_ name: String) async throws {
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                try await database.client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
            }
        }

        func tables(_ database: Database) async throws -> [String] {
            var names: [String] = []
            let rows = try await database.client.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", logger: logger)
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }

        /// The server cancels a statement that runs past `statement_timeout` (57014), so a stuck
        /// query cannot hold a consumer; a migration lifts the limit for its own transaction.
        @Test func aStatementPastItsTimeoutIsCancelledButMigrationsAreNot() async throws {
            var configuration = TestServers.database
            configuration.statementTimeout = .milliseconds(300)
            try await Database.withDatabase(configuration: configuration, logger: logger) { database in
                await #expect {
                    _ = try await database.client.query("SELECT pg_sleep(2)", logger: logger).collect()
                } throws: { error in
                    (error as? PSQLError)?.serverInfo?[.sqlState] == "57014"
                }
                let slow = Migration(version: 9_001, name: "slow", statements: ["SELECT pg_sleep(0.6)"])
                try await withFreshDatabase { fresh in
                    var timed = fresh
                    timed.statementTimeout = .milliseconds(300)
                    try await Database.withDatabase(configuration: timed, logger: logger) { database in
                        let applied = try await Migrator(migrations: [slow]).migrate(database.client, logger: logger)
                        #expect(applied == [9_001])
                    }
                }
            }
        }

        @Test func aFreshDatabaseGetsEveryMigrationAndARerunDoesNothing() async throws {
            try await withFreshDatabase { configuration in
                try await Database.withDatabase(configuration: configuration, logger: logger) { (database) async throws -> Void in
                    let migrator = Migrator()
                    #expect(try await migrator.migrate(database.client, logger: logger) == Migration.all.map(\.version))
                    #expect(try await tables(database) == [
                        "billing_accounts", "delivery_starts", "dunning_cases", "dunning_steps", "dunning_tasks", "invoices", "lifecycle_commands", "mrr_movements",
                        "notification_webhooks", "notifications", "pending_calls", "processed_events", "schema_migrations", "stale_snapshots",
                        "stripe_events", "subscription_items", "subscription_transitions", "subscriptions", "tenant_service_states", "usage_alerts",
                        "usage_events", "usage_meter_reports", "usage_totals",
                    ])
                    #expect(try await migrator.migrate(database.client, logger: logger) == [])
                    #expect(try await Self.appliedVersions(database.client, logger: logger) == Migration.all.map(\.version))
                }
            }
        }

        @Test func twoConcurrentRunsApplyEachMigrationOnce() async throws {
            try await withFreshDatabase { configuration in
                // Two pools, as two processes would have.
                async let first = Database.withDatabase(configuration: configuration, logger: logger) { database in
                    try await Migrator().migrate(database.client, logger: logger)
                }
                async let second = Database.withDatabase(configuration: configuration, logger: logger) { database in
                    try await Migrator().migrate(database.client, logger: logger)
                }
                let runs = try await [first, second]
                #expect(runs.flatMap { $0 }.sorted() == Migration.all.map(\.version))
                #expect(runs.contains([]))
            }
        }

        @Test func aFailingMigrationLeavesTheSchemaAsItWas() async throws {
            try await withFreshDatabase { configuration in
                try await Database.withDatabase(configuration: configuration, logger: logger) { (database) async throws -> Void in
                    let broken = Migrator(migrations: Migration.all + [
                        Migration(version: 9001, name: "broken", statements: ["CREATE TABLE fine (id int)", "CREATE TABLE oops (id nosuchtype)"]),
                    ])
                    await #expect {
                        try await broken.migrate(database.client, logger: logger)
                    } throws: { error in
                        guard case StorageError.migrationFailed(9001, "broken", let reason) = error else { return false }
                        return reason.contains("nosuchtype")
                    }
                    // The whole run rolled back: not even the good migrations before it are recorded.
                    #expect(try await tables(database) == [])
                    #expect(try await Migrator().migrate(database.client, logger: logger) == Migration.all.map(\.version))
                }
            }
        }

        @Test func aDatabaseAheadOfThisBuildIsRefused() async throws {
            try await withFreshDatabase { configuration in
                try await Database.withDatabase(configuration: configuration, logger: logger) { (database) async throws -> Void in
                    let newer = Migrator(migrations: Migration.all + [Migration(version: 9002, name: "future", statements: ["SELECT 1"])])
                    try await newer.migrate(database.client, logger: logger)
                    await #expect(throws: StorageError.unknownMigrations(versions: [9002])) {
                        try await Migrator().migrate(database.client, logger: logger)
                    }
                }
            }
        }

        @Test func theInboxKeepsOneRowPerConsumerAndEvent() async throws {
            try await withFreshDatabase { configuration in
                try await Database.withDatabase(configuration: configuration, logger: logger) { (database) async throws -> Void in
                    try await Migrator().migrate(database.client, logger: logger)
                    for _ in 0..<3 {
                        try await database.client.query(
                            "INSERT INTO processed_events (consumer, event_id) VALUES ('lifecycle', 'evt_1') ON CONFLICT DO NOTHING", logger: logger)
                    }
                    try await database.client.query(
                        "INSERT INTO processed_events (consumer, event_id) VALUES ('dunning', 'evt_1') ON CONFLICT DO NOTHING", logger: logger)
                    let rows = try await database.client.query("SELECT count(*) FROM processed_events", logger: logger)
                    var count = 0
                    for try await value in rows.decode(Int.self) { count = value }
                    #expect(count == 2)
                }
            }
        }

        /// The versions recorded in the database, in order.
        static func appliedVersions(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
            var versions: [Int] = []
            let rows = try await client.query("SELECT version FROM schema_migrations ORDER BY version", logger: logger)
            for try await version in rows.decode(Int.self) { versions.append(version) }
            return versions
        }
    }
}
