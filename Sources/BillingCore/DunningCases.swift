

/// The dunning case rules as pure functions: what an invoice event does to its case, and what the open cases mean for
/// the tenant's service. Times are unix seconds; `daySeconds` is a "day" (86,400; shorter in tests and demos).
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
