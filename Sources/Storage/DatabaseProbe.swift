import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A readiness probe of PostgreSQL on a connection of its own, opened for the probe and closed
/// after it. A server that stops answering (a frozen process, a network black hole) would hold
/// a query on a pool connection until TCP keepalive gives up, a minute later, and the probe
/// with it. Here the connect is bounded by the deadline, and at the deadline the probe closes
/// its connection, which fails its query at once: the answer always comes within `timeout`.
struct DatabaseProbe: Sendable {
    let configuration: DatabaseConfiguration
    let timeout: Duration
    let logger: Logger

    /// True when `SELECT 1` answered within the deadline.
    func answers() async -> Bool {
        let connection = Opened()
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                let opened: PostgresConnection
                do {
                    opened = try await PostgresConnection.connect(
                        configuration: try configuration.connectionConfiguration(timeout: timeout), id: 0, logger: logger)
                } catch {
                    return false
                }
                connection.value.withLock { $0 = opened }
                let answered: Bool
                do {
                    _ = try await opened.query("SELECT 1", logger: logger).collect()  // errors surface with the rows
                    answered = true
                } catch {
                    answered = false
                }
                // Closing is local (the socket), whatever the server does; a connection must be closed before it goes.
                try? await opened.close()
                return answered
            }
            group.addTask {
                try? await Task.sleep(for: timeout)  // cancelled once the query has answered
                return false
            }
            let answer = await group.next() ?? false
            group.cancelAll()  // a connect still under way is cancelled
            // At the deadline, closing the channel fails a query still waiting, so the group ends now.
            if !answer, let opened = connection.value.withLock({ $0 }) {
                try? await opened.close()  // closing a socket locally; already closed (the query's own close) is not an error worth reporting
            }
            return answer
        }
    }

    /// The probe's connection once open, for the closing at the deadline.
    final class Opened: Sendable {
        let value = Mutex<PostgresConnection?>(nil)
    }
}
