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

/// What an invoice event does to its case, decided from the case as stored.
public enum DunningCaseDecision: Sendable, Hashable {
    /// Open the case with these steps.
    case open(DunningCase, [PlannedStep])
    /// Stripe failed again (its own retry, or ours): only the attempt count changes.
    case recordAttempt(attempts: Int)
    /// Close it: skip pending steps, restore service if no other case is open, and ask for a
    /// "payment recovered" notice when it was paid.
    case close(DunningCase.CloseReason, at: Int64)
    /// Remember that the invoice is settled, so its failure arriving late opens nothing.
    case closeBeforeOpening(DunningCase.CloseReason, at: Int64)
    /// Nothing to do, and why.
    case ignore(String)
}

public enum DunningCases {
    /// A subscription invoice's payment failed (`invoice.payment_failed`) at `at`.
    public static func paymentFailed(existing: DunningCase?, invoiceID: String, tenantID: String?, tier: PlanTier?, attempts: Int,
                                     at: Int64, policy: DunningPolicy, daySeconds: Int64) -> DunningCaseDecision {
        guard let existing else {
            let opened = DunningCase(invoiceID: invoiceID, tenantID: tenantID, tier: tier, status: .open, openedAt: at, attempts: attempts)
            return .open(opened, DunningPlanner.plan(policy: policy, failedAt: at, tier: tier, daySeconds: daySeconds))
        }
        switch existing.status {
        case .open:
            return attempts > existing.attempts ? .recordAttempt(attempts: attempts) : .ignore("attempt \(attempts) already recorded")
        case .closed:
            return .ignore("the invoice was settled (\(existing.closeReason?.rawValue ?? "closed")) before this failure arrived")
        }
    }

    /// The invoice was paid, voided or written off, or its subscription deleted, at `at`.
    public static func settled(existing: DunningCase?, reason: DunningCase.CloseReason, at: Int64) -> DunningCaseDecision {
        guard let existing else { return .closeBeforeOpening(reason, at: at) }
        switch existing.status {
        case .open: return .close(reason, at: at)
        case .closed: return .ignore("already closed (\(existing.closeReason?.rawValue ?? "closed"))")
        }
    }

    /// The tenant's service state, from its open cases: the oldest one decides, by how long it
    /// has been open against its tier's schedule. Paying a newer invoice changes nothing while
    /// an older one is unpaid; paying the oldest re-anchors to the next-oldest.
    public static func serviceState(openCases: [DunningCase], now: Int64, policy: DunningPolicy, daySeconds: Int64) -> ServiceState {
        guard let oldest = openCases.filter({ $0.status == .open }).min(by: { ($0.openedAt, $0.invoiceID) < ($1.openedAt, $1.invoiceID) })
        else { return .normal }
        let schedule = policy.schedule(for: oldest.tier)
        let elapsed = now - oldest.openedAt
        if let days = schedule.suspendAfterDays, elapsed >= Int64(days) * daySeconds { return .suspended }
        if let days = schedule.degradeAfterDays, elapsed >= Int64(days) * daySeconds { return .degraded }
        return .normal
    }

    /// Whether the tenant is past its grace period on the oldest open case
    /// (entitlements' `payment_overdue`).
    public static func paymentOverdue(openCases: [DunningCase], now: Int64, policy: DunningPolicy, daySeconds: Int64) -> Bool {
        guard let oldest = openCases.filter({ $0.status == .open }).min(by: { $0.openedAt < $1.openedAt }) else { return false }
        return now - oldest.openedAt >= Int64(policy.schedule(for: oldest.tier).graceDays) * daySeconds
    }
}
