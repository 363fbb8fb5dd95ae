/// Why a Stripe call failed, and whether trying it again may help (``isRetryable``).
public enum StripeAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stripe answered with an error object: a decline, an invalid request, a rate limit, an
    /// outage on its side. Whether to retry follows the status.
    case api(StripeErrorAnswer)
    /// No answer: connection refused or reset, DNS, TLS. Retry later.
    case network(reason: String)
    /// No answer within the timeout. Retry later with the same idempotency key.
    case timeout

    /// Whether trying the same call again later may succeed: network trouble, timeouts, 409
    /// (a conflicting request in flight), 429 and 5xx. Declines and invalid requests will not.
    public var isRetryable: Bool {
        switch self {
        case .network, .timeout: true
        case .api(let answer): answer.status == 409 || answer.status == 429 || answer.status >= 500
        }
    }

    /// One line for logs: the status, Stripe's type/code/decline code, its message and the request id.
    public var description: String {
        switch self {
        case .api(let answer):
            let detail = [answer.type, answer.code, answer.declineCode].compactMap { $0 }.joined(separator: "/")
            return "Stripe answered \(answer.status)\(detail.isEmpty ? "" : " \(detail)"): \(answer.message)"
                + (answer.requestID.map { " (request \($0))" } ?? "")
        case .network(let reason): return "Stripe unreachable: \(reason)"
        case .timeout: return "Stripe did not answer in time"
        }
    }
}
