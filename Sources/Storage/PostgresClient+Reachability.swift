import Logging
import PostgresNIO

extension PostgresClient {
    /// True when the database answers a trivial query within `timeout`. A probe must answer
    /// quickly whatever the database does: a lease waits for the pool's circuit breaker (a
    /// minute) and an unreachable host can take as long to fail.
    package func isReachable(logger: Logger, timeout: Duration = .seconds(1)) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    _ = try await self.query("SELECT 1", logger: logger).collect()  // errors surface with the rows
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let answer = await group.next() ?? false
            group.cancelAll()
            return answer
        }
    }
}
