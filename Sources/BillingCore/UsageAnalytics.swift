/// The usage report across tenants (`GET /v1/analytics/usage`), computed from plain rows.
public enum UsageAnalytics {
    /// One live subscription's standing in its current period, in stored units.
    public struct TenantStanding: Sendable, Hashable {
        /// The tenant's id, as its subscription's metadata names it.
        var tenantID: String
        /// The subscription's plan.
        var tier: PlanTier
        /// API calls over the period so far.
        var apiCalls: Int64
        /// Storage's last value in the period.
        var storage: Int64
        /// API calls in the report's window (for the average per tenant).
        var apiCallsInWindow: Int64

        /// A standing from the stored totals.
        public init(tenantID: String, tier: PlanTier, apiCalls: Int64, storage: Int64, apiCallsInWindow: Int64) {
            self.tenantID = tenantID
            self.tier = tier
            self.apiCalls = apiCalls
            self.storage = storage
            self.apiCallsInWindow = apiCallsInWindow
        }
    }

    /// One tier's line of the report.
    public struct TierSummary: Sendable, Hashable {
        /// The tier summarised.
        public var tier: PlanTier
        /// Tenants with a live subscription of the tier.
        public var tenants = 0
        /// Tenants that reported usage in the window.
        public var activeTenants = 0
        /// API calls in the window ÷ the tier's tenants, rounded half away from zero.
        public var averageAPICalls: Int64 = 0
        /// Average utilisation of the API-call and storage allowances this period, in hundredths
        /// of a percent; nil where the allowance is unlimited.
        public var apiCallUtilisationBasisPoints: Int64?
        /// Average utilisation of the storage allowance this period, in hundredths of a percent; nil where unlimited.
        public var storageUtilisationBasisPoints: Int64?
        /// Tenants whose period so far costs overage.
        public var overageCustomers = 0
        /// What the tier's tenants owe for overage this period so far, per metric; metrics nobody owes for are absent.
        public var overageRevenue: [UsageMetric: Money] = [:]
    }

    /// Per tier: tenants, average calls, utilisation, overage customers and revenue. `active`
    /// names the tenants with usage in the window.
    public static func tiers(_ standings: [TenantStanding], active: Set<String>, plans: PlanCatalog) -> [TierSummary] {
        PlanTier.allCases.map { tier in
            let plan = plans[tier]
            let members = standings.filter { $0.tier == tier }
            var summary = TierSummary(tier: tier)
            summary.tenants = members.count
            summary.activeTenants = members.filter { active.contains($0.tenantID) }.count
            guard !members.isEmpty else { return summary }
            summary.averageAPICalls = roundedQuotient(members.reduce(0) { $0 + $1.apiCallsInWindow }, Int64(members.count))
            func averageUtilisation(_ metric: UsageMetric, _ used: (TenantStanding) -> Int64) -> Int64? {
                let allowance = metric.allowance(plan.limits)
                let points = members.compactMap { UsageBilling.utilisationBasisPoints(usedUnits: used($0), allowance: allowance) }
                guard points.count == members.count else { return nil }
                return roundedQuotient(points.reduce(0, +), Int64(points.count))
            }
            summary.apiCallUtilisationBasisPoints = averageUtilisation(.apiCalls, \.apiCalls)
            summary.storageUtilisationBasisPoints = averageUtilisation(.storageGB, \.storage)
            for member in members {
                let lines = [UsageBilling.overage(.apiCalls, usedUnits: member.apiCalls, plan: plan),
                             UsageBilling.overage(.storageGB, usedUnits: member.storage, plan: plan)]
                var owes = false
                for line in lines {
                    guard let amount = line.amount, amount.minorUnits > 0 else { continue }
                    owes = true
                    let sum = (summary.overageRevenue[line.metric]?.minorUnits ?? 0) + amount.minorUnits
                    summary.overageRevenue[line.metric] = Money(minorUnits: sum, currency: amount.currency)
                }
                if owes { summary.overageCustomers += 1 }
            }
            return summary
        }
    }

    /// Growth from `previous` to `current` in tenths of a percent, rounded half away from zero;
    /// nil when there was nothing before.
    public static func growthPermille(current: Int64, previous: Int64) -> Int64? {
        guard previous > 0 else { return nil }
        return roundedQuotient((current - previous) * 1_000, previous)
    }

    static func roundedQuotient(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        guard remainder.magnitude * 2 >= denominator.magnitude else { return quotient }
        return quotient + ((numerator < 0) != (denominator < 0) ? -1 : 1)
    }
}
