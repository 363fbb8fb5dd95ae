import Foundation
import Logging
import PostgresNIO
import Storage
import Synchronization
import Testing

extension Integration {
    /// What the database client does when PostgreSQL goes away under it.
    @Suite("Database outages")
    struct DatabaseOutageTests {
        /// postgres-nio 1.33.2 dropped the failed write of a query on a connection the server had
        /// closed, and the query never returned (see Vendor/postgres-nio/PATCHES.md). The query
        /// runs in a task of its own so that, were it to hang again, this test fails instead.
        @Test func aQueryOnAConnectionTheServerClosedFailsAtOnce() async throws {
            let logger = TestServers.logger
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                let outcome = Outcome()
                do {
                    try await database.client.withConnection { connection in
                        try await connection.query("SELECT 1", logger: logger)
                        try TestServers.postgres("stop")
                        #expect(try await eventually { connection.isClosed })
                        let query = Task {
                            do {
                                try await connection.query("SELECT 2", logger: logger)
                                outcome.value.withLock { $0 = "answered" }
                            } catch {
                                outcome.value.withLock { $0 = "failed: \(String(reflecting: error))" }
                            }
                        }
                        let finished = try await eventually(timeout: .seconds(5)) { outcome.value.withLock { $0 } != nil }
                        #expect(finished, "the query on the closed connection neither answered nor failed within 5 s")
                        if !finished { query.cancel() }
                    }
                } catch {
                    try TestServers.postgres("start")
                    throw error
                }
                try TestServers.postgres("start")
                let result = try #require(outcome.value.withLock { $0 })
                #expect(result.hasPrefix("failed"), "\(result)")
                // The pool replaces the connection: the next lease works.
                #expect(await database.client.isReachable(logger: logger, timeout: .seconds(10)))
            }
        }
    }
}

extension Integration.DatabaseOutageTests {
    /// A frozen server (every PostgreSQL process stopped with SIGSTOP: connections stay open,
    /// nothing answers) holds a query on a pool connection until TCP keepalive gives up, a minute
    /// later. The readiness probe uses a connection of its own and closes it at its deadline, so
    /// `/readyz` still answers within a second.
    @Test func theReadinessProbeAnswersWithinItsDeadlineWhileTheServerIsFrozen() async throws {
        let logger = TestServers.logger
        try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
            #expect(await database.isReachable(logger: logger, timeout: .seconds(1)))
            let clock = ContinuousClock()
            try TestServers.postgres("freeze")
            var answers: [Bool] = []
            var longest = Duration.zero
            for _ in 0..<3 {
                let started = clock.now
                answers.append(await database.isReachable(logger: logger, timeout: .seconds(1)))
                longest = max(longest, clock.now - started)
            }
            try TestServers.postgres("thaw")
            #expect(answers == [false, false, false])
            #expect(longest < .milliseconds(1_500), "a probe took \(longest) against a frozen server")
            #expect(try await eventually(timeout: .seconds(10)) { await database.isReachable(logger: logger, timeout: .seconds(1)) })
        }
    }

    /// A server that vanishes without closing (a frozen host) is noticed by TCP keepalive (see
    /// Vendor/postgres-nio/PATCHES.md): the pool's connections carry the keepalive timer, as
    /// `ss` shows for this process's sockets to the database.
    @Test func thePoolsConnectionsUseTCPKeepalive() async throws {
        try await Database.withDatabase(configuration: TestServers.database, logger: TestServers.logger) { database in
            #expect(await database.client.isReachable(logger: TestServers.logger, timeout: .seconds(5)))
            let sockets = try TestServers.run("/usr/bin/ss", ["-tnopH", "state", "established", "( dport = :\(TestServers.database.port) )"])
                .split(separator: "\n").filter { $0.contains("pid=\(getpid()),") }
            #expect(!sockets.isEmpty, "no connection of this process to the database")
            for socket in sockets { #expect(socket.contains("timer:(keepalive"), "\(socket)") }
        }
    }
}

/// What a query in a task of its own came to.
private final class Outcome: Sendable {
    let value = Mutex<String?>(nil)
}
