/// Stripe's subscription statuses.
public enum SubscriptionStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case incomplete
    case incompleteExpired = "incomplete_expired"
    case trialing
    case active
    case pastDue = "past_due"
    case canceled
    case unpaid
    case paused

    /// Statuses a subscription never leaves.
    public var isTerminal: Bool { self == .canceled || self == .incompleteExpired }
}
