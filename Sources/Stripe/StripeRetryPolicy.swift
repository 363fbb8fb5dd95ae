import Foundation

/// How the client retries a call, as a pure function of the attempt and its outcome.
package struct StripeRetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    var maxAttempts: Int
    /// The back-off window after the first failed attempt; it doubles after each further one.
    var baseDelay: Duration
    /// The largest back-off window.
    var maxDelay: Duration

    package init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before attempt `attempt + 1` after `error`, or nil to give up. `shouldRetry` is
    /// Stripe's `Stripe-Should-Retry` header, which overrides the status when present.
    /// `jitter` in [0, 1) picks a point in the full-jitter window (exponential, capped).
    package func delay(afterAttempt attempt: Int, error: StripeAPIError, shouldRetry: Bool?, jitter: Double) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        guard shouldRetry ?? error.isRetryable else { return nil }
        let window = min(baseDelay * (1 << min(attempt - 1, 20)), maxDelay)
        return window * max(0, min(jitter, 0.999_999)) + .milliseconds(50)
    }
}
