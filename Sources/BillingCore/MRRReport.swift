/// The revenue report over a date range, computed from the recorded MRR movements. Amounts
/// are integer cents; rates are exact ratios rendered once as percentages with two decimals
/// (half away from zero).
///
/// - MRR at a time is the sum of each subscription's latest `to` amount at or before it.
/// - New, expansion, contraction, churn and reactivation add up the size of each movement of
///   that kind in `[start, end)`; net new = new + expansion + reactivation − contraction − churn,
///   which equals MRR(end) − MRR(start).
/// - Per tier (the tier of each subscription's latest movement): MRR and paying subscribers at
///   the end, ARPU = MRR ÷ subscribers, and churn rate = subscriptions of the tier that churned
///   in the range ÷ those paying at the start.
/// - Cohorts: customers by the month of their first revenue; retained = still paying at the
///   end; revenue retention = their MRR at the end ÷ their MRR when they started.
public struct MRRReport: Sendable, Hashable {
    /// One change of a subscription's counted MRR.
    public struct Movement: Sendable, Hashable {
        /// Stripe's subscription id (`sub_…`).
        var subscriptionID: String
        /// Stripe's customer id (`cus_…`): cohorts group by it.
        var customerID: String
        /// The subscription's plan after the movement; nil when its price maps to no plan.
        var tier: PlanTier?
        /// New, expansion, contraction, churn or reactivation.
        var kind: Revenue.MovementKind
        /// The counted MRR before, in cents.
        var from: Int64
        /// The counted MRR after, in cents.
        var to: Int64
        /// Unix seconds.
        var at: Int64
        /// The Stripe event that caused it; it orders movements of the same second.
        var eventID: String

        /// A movement as recorded.
        public init(subscriptionID: String, customerID: String, tier: PlanTier?, kind: Revenue.MovementKind, from: Int64, to: Int64,
                    at: Int64, eventID: String) {
            self.subscriptionID = subscriptionID
            self.customerID = customerID
            self.tier = tier
            self.kind = kind
            self.from = from
            self.to = to
            self.at = at
            self.eventID = eventID
        }
    }

    /// One tier's figures at the end of the range.
    public struct TierFigures: Sendable, Hashable {
        /// The tier these figures are for.
        public var tier: PlanTier
        /// MRR at the end, in cents.
        public var mrr: Int64
        /// Subscriptions of the tier paying at the end.
        public var subscribers: Int
        /// MRR ÷ subscribers, in cents (0 without subscribers).
        public var arpu: Int64
        /// Subscriptions of the tier that churned in the range.
        public var churnedSubscribers: Int
        /// Churned ÷ paying at the start, as a percentage with two decimals (`"2.50"`).
        public var churnRatePercent: String
    }

    /// The customers whose first revenue fell in one month of the range.
    public struct Cohort: Sendable, Hashable {
        /// `YYYY-MM`.
        public var month: String
        /// Customers who started paying that month.
        public var initialCustomers: Int
        /// Those still paying at the end of the range.
        public var retainedCustomers: Int
        /// Retained ÷ initial customers, as a percentage with two decimals.
        public var retentionRatePercent: String
        /// Their MRR when they started, in cents.
        public var initialMRR: Int64
        /// Their MRR at the end of the range, in cents.
        public var currentMRR: Int64
        /// Current ÷ initial MRR, as a percentage with two decimals.
        public var revenueRetentionPercent: String
    }

    /// MRR at the range's start, in cents.
    public var startMRR: Int64
    /// MRR at the range's end, in cents.
    public var currentMRR: Int64
    /// MRR from subscriptions that started paying in the range, in cents.
    public var newMRR: Int64
    /// MRR added by upgrades and larger quantities, in cents.
    public var expansionMRR: Int64
    /// MRR lost to downgrades and smaller quantities, in cents (positive).
    public var contractionMRR: Int64
    /// MRR lost to subscriptions that stopped paying, in cents (positive).
    public var churnMRR: Int64
    /// MRR from customers who paid before and came back, in cents.
    public var reactivationMRR: Int64
    /// New + expansion + reactivation − contraction − churn, in cents: the end's MRR minus the start's.
    public var netNewMRR: Int64
    /// Net new ÷ the start's MRR, as a percentage with two decimals; `"0.00"` when the start had none.
    public var growthRatePercent: String
    /// The end's MRR × 12, in cents.
    public var arrProjection: Int64
    /// One entry per tier, in tier order.
    public var tiers: [TierFigures]
    /// The cohorts of the range's months, oldest first.
    public var cohorts: [Cohort]

    /// The report over `[start, end)` from the recorded movements.
    ///
    /// - Parameters:
    ///   - movements: every movement before `end` (earlier ones give the starting state).
    ///   - start, end: unix seconds; the range is `[start, end)`.
    public static func compute(_ movements: [Movement], start: Int64, end: Int64) -> MRRReport {
        let ordered = movements.filter { $0.at < end }.sorted { ($0.at, $0.eventID) < ($1.at, $1.eventID) }
        var atStart: [String: Movement] = [:]  // each subscription's latest movement before start
        var atEnd: [String: Movement] = [:]
        var sums: [Revenue.MovementKind: Int64] = [:]
        var churnedByTier: [PlanTier: Int] = [:]
        var firstRevenue: [String: (month: String, mrr: Int64)] = [:]  // by customer
        for movement in ordered {
            if movement.at < start { atStart[movement.subscriptionID] = movement }
            atEnd[movement.subscriptionID] = movement
            if movement.at >= start {
                sums[movement.kind, default: 0] += abs(movement.to - movement.from)
                if movement.kind == .churn, let tier = movement.tier { churnedByTier[tier, default: 0] += 1 }
            }
            if movement.kind == .new, firstRevenue[movement.customerID] == nil {
                firstRevenue[movement.customerID] = (month(of: movement.at), movement.to)
            }
        }
        let startMRR = atStart.values.reduce(0) { $0 + $1.to }
        let currentMRR = atEnd.values.reduce(0) { $0 + $1.to }
        let netNew = sums[.new, default: 0] + sums[.expansion, default: 0] + sums[.reactivation, default: 0]
            - sums[.contraction, default: 0] - sums[.churn, default: 0]

        var tiers: [TierFigures] = []
        for tier in PlanTier.allCases {
            let paying = atEnd.values.filter { $0.tier == tier && $0.to > 0 }
            let mrr = paying.reduce(0) { $0 + $1.to }
            let payingAtStart = atStart.values.filter { $0.tier == tier && $0.to > 0 }.count
            let churned = churnedByTier[tier, default: 0]
            tiers.append(TierFigures(tier: tier, mrr: mrr, subscribers: paying.count,
                                     arpu: paying.isEmpty ? 0 : Revenue.roundedDivision(mrr, by: Int64(paying.count)),
                                     churnedSubscribers: churned, churnRatePercent: percent(Int64(churned), of: Int64(payingAtStart))))
        }

        var customerMRR: [String: Int64] = [:]
        for movement in atEnd.values { customerMRR[movement.customerID, default: 0] += movement.to }
        let firstMonth = month(of: start), lastMonth = month(of: end - 1)
        var cohorts: [String: Cohort] = [:]
        for (customer, first) in firstRevenue where first.month >= firstMonth && first.month <= lastMonth {
            var cohort = cohorts[first.month] ?? Cohort(month: first.month, initialCustomers: 0, retainedCustomers: 0, retentionRatePercent: "",
                                                        initialMRR: 0, currentMRR: 0, revenueRetentionPercent: "")
            let now = customerMRR[customer, default: 0]
            cohort.initialCustomers += 1
            cohort.retainedCustomers += now > 0 ? 1 : 0
            cohort.initialMRR += first.mrr
            cohort.currentMRR += now
            cohorts[first.month] = cohort
        }
        let cohortList = cohorts.values.sorted { $0.month < $1.month }.map { cohort in
            var cohort = cohort
            cohort.retentionRatePercent = percent(Int64(cohort.retainedCustomers), of: Int64(cohort.initialCustomers))
            cohort.revenueRetentionPercent = percent(cohort.currentMRR, of: cohort.initialMRR)
            return cohort
        }
        return MRRReport(startMRR: startMRR, currentMRR: currentMRR, newMRR: sums[.new, default: 0],
                         expansionMRR: sums[.expansion, default: 0], contractionMRR: sums[.contraction, default: 0],
                         churnMRR: sums[.churn, default: 0], reactivationMRR: sums[.reactivation, default: 0], netNewMRR: netNew,
                         growthRatePercent: percent(netNew, of: startMRR), arrProjection: currentMRR * 12, tiers: tiers,
                         cohorts: cohortList)
    }

    /// `part ÷ whole` as a percentage with two decimals, rounded once; "0.00" when `whole` is 0.
    static func percent(_ part: Int64, of whole: Int64) -> String {
        guard whole != 0 else { return "0.00" }
        let hundredths = Revenue.roundedDivision(part * 10_000, by: whole)
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// `YYYY-MM` of a unix time, in UTC.
    static func month(of seconds: Int64) -> String {
        UTCDay(containing: seconds).monthDescription
    }
}
