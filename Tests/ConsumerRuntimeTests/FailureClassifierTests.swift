@testable import PostgresNIO
import Testing
import _ConnectionPoolModule

@testable import ConsumerRuntime

@Suite("FailureClassifier")
struct FailureClassifierTests {
    @Test func aDatabaseThatCannotBeReachedIsAnOutageNotAFailedAttempt() {
        for error: any Error in [PSQLError.connectionError(underlying: CancellationError()), PSQLError.serverClosedConnection(underlying: nil),
                                 PSQLError.poolClosed, ConnectionPoolError.connectionCreationCircuitBreakerTripped] {
            #expect(FailureClassifier.classify(error) == .databaseUnavailable, "\(error)")
        }
    }

    @Test func handlerErrorsKeepTheirOwnKind() {
        #expect(FailureClassifier.classify(TransientFailure("Stripe answered 503")) == .transient)
        #expect(FailureClassifier.classify(PermanentFailure("undecodable")) == .permanent)
        #expect(FailureClassifier.classify(PSQLError.queryCancelled) == .transient)
    }
}
