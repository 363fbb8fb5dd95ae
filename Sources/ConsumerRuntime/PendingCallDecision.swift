/// What to do after a pending call's attempt failed, decided as a value under the consumer's
/// retry policy (the delays and attempts of its file), so the rules are tested without servers.
package enum PendingCallDecision: Sendable, Equatable {
    /// Try again after `delay` (the row's claim is moved there).
    case retry(after: Duration)
    /// Give up: record the failure as the call's outcome.
    case abandon(reason: String)
    /// Do nothing now: the database is away, so nothing can be recorded; the claim runs out and
    /// a sweep takes the call again once the database answers.
    case leave

    /// The decision for a failure of kind `kind` on attempt `attempt` (1-based).
    package static func decide(_ kind: FailureKind, message: String, attempt: Int, consumer: ConsumerDefinition) -> PendingCallDecision {
        switch kind {
        case .databaseUnavailable:
            return .leave
        case .permanent:
            return .abandon(reason: message)
        case .transient:
            guard attempt < consumer.maxAttempts else { return .abandon(reason: "gave up after \(attempt) attempts: \(message)") }
            return .retry(after: consumer.retryDelay(afterAttempt: attempt))
        }
    }
}
