import Foundation
import PostgresNIO
import Storage
import Testing

extension Integration {
    /// `sslmode` against the project's PostgreSQL, which `services.sh` starts with TLS under the
    /// same throw-away CA as the broker (certificate for `localhost` and 127.0.0.1).
    @Suite("Database TLS")
    struct DatabaseTLSTests {
        static let caFile = TestServers.repositoryRoot.appendingPathComponent(".local/services/rabbitmq/tls/ca.pem").path

        func configuration(_ query: String) throws -> DatabaseConfiguration {
            let plain = TestServers.database
            return try DatabaseConfiguration(url: "postgres://\(plain.user):\(plain.password ?? "")@localhost:\(plain.port)/\(plain.database)?\(query)")
        }

        /// Whether the session is encrypted, from the server's own view.
        func encrypted(_ configuration: DatabaseConfiguration) async throws -> Bool {
            try await Database.withDatabase(configuration: configuration, logger: TestServers.logger) { database in
                let rows = try await database.client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: TestServers.logger)
                for try await ssl in rows.decode(Bool.self) { return ssl }
                return false
            }
        }

        @Test func verifyFullWithTheCAConnectsEncrypted() async throws {
            #expect(try await encrypted(try configuration("sslmode=verify-full&sslrootcert=\(Self.caFile)&connect_timeout=5")))
        }

        @Test func requireEncryptsWithoutCheckingTheCertificate() async throws {
            #expect(try await encrypted(try configuration("sslmode=require&connect_timeout=5")))
        }

        @Test func verifyFullRefusesACertificateItsTrustStoreDoesNotVouchFor() async throws {
            // The system trust store does not know the throw-away CA.
            let configuration = try configuration("sslmode=verify-full&connect_timeout=5")
            let connected = try await Database.withDatabase(configuration: configuration, logger: TestServers.logger) { database in
                await database.isReachable(logger: TestServers.logger, timeout: .seconds(5))
            }
            #expect(!connected)
        }
    }
}
