import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction` that rethrows the cause (the closure's, the commit's or the begin's
    /// error) instead of postgres-nio's `PostgresTransactionError` wrapper, so callers decide on
    /// what went wrong (a broken connection, a constraint, a handler's own error).
    package func transaction<Result>(logger: Logger, isolation: isolated (any Actor)? = #isolation,
                                     _ body: (PostgresConnection) async throws -> sending Result) async throws -> sending Result {
        do {
            return try await withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            if let cause = error.closureError ?? error.commitError ?? error.beginError { throw cause }
            throw error
        }
    }
}
