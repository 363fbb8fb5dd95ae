/// A dunning case: one per failed subscription invoice, from its first failed payment until it
/// is paid, voided, written off or its subscription is deleted.
public struct DunningCase: Sendable, Hashable {
    /// Whether the case is still being dunned (`open`) or settled (`closed`); the raw value is what the store keeps.
    public enum Status: String, Sendable, Hashable, Codable { case open, closed }

    /// Why a case closed: its invoice was paid, voided or marked uncollectible, or its subscription was
    /// deleted. The raw value is what the store keeps.
    public enum CloseReason: String, Sendable, Hashable, Codable {
        case paid, voided
        case uncollectible = "marked_uncollectible"
        case subscriptionDeleted = "subscription_deleted"
    }

    /// Stripe's invoice id (`in_…`): one case per invoice.
    var invoiceID: String
    /// The tenant the invoice's subscription belongs to; nil when the subscription names none.
    var tenantID: String?
    /// The subscription's plan when the case opened, which picks the schedule; nil when unknown
    /// (team's schedule applies).
    var tier: PlanTier?
    /// Open until the invoice is settled.
    package var status: Status
    /// Unix seconds of the first failure: the schedule's day 0.
    public var openedAt: Int64
    /// Stripe's `attempt_count` as last seen.
    var attempts: Int
    /// Unix seconds of the event that closed it (or, for a case closed before it opened — the
    /// invoice paid before its failure arrived — of that event).
    var closedAt: Int64?
    /// Why it closed; nil while it is open.
    package var closeReason: CloseReason?

    /// A case as the store keeps it; a new case comes from ``DunningCases`` when a payment fails.
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
