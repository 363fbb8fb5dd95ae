/// A dunning case: one per failed subscription invoice, from its first failed payment until it
/// is paid, voided, written off or its subscription is deleted.
public struct DunningCase: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable { case open, closed }

    public enum CloseReason: String, Sendable, Hashable, Codable {
        case paid, voided
        case uncollectible = "marked_uncollectible"
        case subscriptionDeleted = "subscription_deleted"
    }

    public var invoiceID: String
    public var tenantID: String?
    public var tier: PlanTier?
    public var status: Status
    /// Unix seconds of the first failure: the schedule's day 0.
    public var openedAt: Int64
    /// Stripe's `attempt_count` as last seen.
    public var attempts: Int
    /// Unix seconds of the event that closed it (or, for a case closed before it opened — the
    /// invoice paid before its failure arrived — of that event).
    public var closedAt: Int64?
    public var closeReason: CloseReason?

    public init(invoiceID: String, tenantID: String?, tier: PlanTier?, status: Status, openedAt: Int64, attempts: Int,
                closedAt: Int64? = nil, closeReason: CloseReason? = nil) {
        self.invoiceID = invoiceID
        self.tenantID = tenantID
        self.tier = tier
        self.status = status
        self.openedAt = openedAt
        self.attempts = attempts
        self.closedAt = closedAt
        self.closeReason = closeReason
    }
}
