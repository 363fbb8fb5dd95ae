import BillingCore
import Foundation
import Intake
import Logging
import PostgresNIO
import Storage

/// Usage's operator endpoint:
///
/// - `GET /v1/tenants/{tenant_id}/usage`: the current billing period's usage per metric, its
///   allowance, utilisation and overage (quantity and amount), from the recorded events.
public struct UsageRoutes: Sendable {
    let usage: UsageQueries
    let lifecycle: LifecycleQueries
    let plans: PlanCatalog
    let now: @Sendable () -> Date

    public init(database: PostgresClient, plans: PlanCatalog, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.usage = UsageQueries(client: database, logger: logger)
        self.lifecycle = LifecycleQueries(client: database, logger: logger)
        self.plans = plans
        self.now = now
    }

    public var routes: [OperatorRoute] {
        [
            OperatorRoute("v1/tenants/:tenant_id/usage") { request in try await current(tenantID: try request.parameter("tenant_id")) },
            OperatorRoute("v1/analytics/usage") { request in try await analytics(period: request.query["period"] ?? "30d") },
        ]
    }

    /// `Nd`, 1 to 366 days.
    static func days(_ period: String) throws(OperatorError) -> Int {
        guard period.hasSuffix("d"), let days = Int(period.dropLast()), (1...366).contains(days) else {
            throw OperatorError.badRequest("period must be a number of days from 1d to 366d, such as 30d")
        }
        return days
    }

    /// The report across tenants: the window's totals per metric against the window before it,
    /// active tenants, and per plan the tenants, average API calls, allowance utilisation and
    /// the current periods' overage customers and revenue (split by metric).
    func analytics(period: String) async throws -> AnalyticsAnswer {
        let days = try Self.days(period)
        let end = now()
        let start = end.addingTimeInterval(-TimeInterval(days * 86_400))
        let previousStart = start.addingTimeInterval(-TimeInterval(days * 86_400))
        let current = try await usage.window(start: start, end: end)
        let previous = try await usage.window(start: previousStart, end: start)
        let calls = try await usage.apiCallsByTenant(start: start, end: end)
        let standings = try await usage.standings().compactMap { row -> UsageAnalytics.TenantStanding? in
            guard let tier = PlanTier(rawValue: row.tier) else { return nil }
            return UsageAnalytics.TenantStanding(tenantID: row.tenantID, tier: tier, apiCalls: row.apiCalls, storage: row.storage,
                                                 apiCallsInWindow: calls[row.tenantID] ?? 0)
        }
        let tiers = UsageAnalytics.tiers(standings, active: current.activeTenants, plans: plans)
        let previousByMetric = Dictionary(previous.metrics.map { ($0.metric, $0) }, uniquingKeysWith: { first, _ in first })
        let currentByMetric = Dictionary(current.metrics.map { ($0.metric, $0) }, uniquingKeysWith: { first, _ in first })
        let metrics = UsageMetric.allCases.map { metric in
            let now = currentByMetric[metric.rawValue], before = previousByMetric[metric.rawValue]
            return AnalyticsAnswer.MetricTotal(metric: metric, events: now?.events ?? 0, quantity: now?.quantity ?? 0,
                                               tenants: now?.tenants ?? 0, previousQuantity: before?.quantity ?? 0)
        }
        return AnalyticsAnswer(period: period, start: start, end: end, metrics: metrics, activeTenants: current.activeTenants.count,
                               previousActiveTenants: previous.activeTenants.count, tiers: tiers, currency: plans[.team].monthlyPrice.currency.code)
    }

    func current(tenantID: String) async throws -> UsageAnswer {
        guard let subscription = try await lifecycle.currentSubscription(tenantID: tenantID) else {
            throw OperatorError.notFound("tenant \(tenantID) has no subscription (its usage is kept, unattributed)")
        }
        guard let start = subscription.currentPeriodStart, let end = subscription.currentPeriodEnd else {
            throw OperatorError.notFound("subscription \(subscription.stripeSubscriptionID) has no current period")
        }
        guard let tier = subscription.tier else {
            throw OperatorError.notFound("subscription \(subscription.stripeSubscriptionID)'s price maps to no plan")
        }
        let plan = plans[tier]
        let day = UTCDay(containing: Int64(now().timeIntervalSince1970))
        let recorded = try await usage.totals(tenantID: tenantID, start: start, end: end,
                                              dayStart: Date(timeIntervalSince1970: TimeInterval(day.startSeconds)))
        let byMetric = Dictionary(recorded.map { ($0.metric, $0) }, uniquingKeysWith: { first, _ in first })
        let metrics = UsageMetric.allCases.map { metric in
            let totals = byMetric[metric.rawValue]
            // Sums count the period (AI requests: today, against the daily allowance); levels
            // count their last value, as the period's bill does.
            let used: Int64 = switch metric {
            case .apiCalls: totals?.sum ?? 0
            case .aiRequests: totals?.sumToday ?? 0
            case .storageGB, .userSeats, .concurrentSessions: totals?.last ?? 0
            }
            let line = UsageBilling.overage(metric, usedUnits: used, plan: plan)
            return MetricUsage(metric: metric, used: used, line: line, maximum: totals?.maximum ?? 0, events: totals?.events ?? 0,
                               periodTotal: metric == .aiRequests ? totals?.sum : nil)
        }
        return UsageAnswer(tenantID: tenantID, tier: tier.rawValue, periodStart: start, periodEnd: end, metrics: metrics)
    }
}

struct UsageAnswer: Encodable, Sendable {
    var tenantID: String
    var tier: String
    var periodStart: Date
    var periodEnd: Date
    var metrics: [MetricUsage]

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", tier, periodStart = "period_start", periodEnd = "period_end", metrics
    }
}

/// One metric in the answer; quantities in the metric's reported unit (storage in GB, exact to
/// the MB), amounts in cents.
struct MetricUsage: Encodable, Sendable {
    var metric: UsageMetric
    var used: Int64
    var line: OverageLine
    var maximum: Int64
    var events: Int
    var periodTotal: Int64?

    enum CodingKeys: String, CodingKey {
        case metric, used, limit, utilisationPercent = "utilisation_percent", overageQuantity = "overage_quantity"
        case overageAmount = "overage_amount", currency, maximum, events, window, periodTotal = "period_total"
    }

    func quantity(_ units: Int64) -> Decimal { Decimal(units) / Decimal(metric.unitsPerQuantity) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metric.rawValue, forKey: .metric)
        try container.encode(quantity(used), forKey: .used)
        switch line.allowance {
        case .limited(let units): try container.encode(quantity(units), forKey: .limit)
        case .unlimited: try container.encode("unlimited", forKey: .limit)
        }
        if let points = UsageBilling.utilisationBasisPoints(usedUnits: used, allowance: line.allowance) {
            try container.encode(Decimal(points) / 100, forKey: .utilisationPercent)
        } else {
            try container.encodeNil(forKey: .utilisationPercent)
        }
        try container.encode(quantity(line.overUnits), forKey: .overageQuantity)
        try container.encode(line.amount?.minorUnits ?? 0, forKey: .overageAmount)
        try container.encode(line.amount?.currency.code ?? "usd", forKey: .currency)
        try container.encode(quantity(maximum), forKey: .maximum)
        try container.encode(events, forKey: .events)
        try container.encode(metric == .aiRequests ? "today" : "period", forKey: .window)
        if let periodTotal { try container.encode(quantity(periodTotal), forKey: .periodTotal) }
    }
}

/// `GET /v1/analytics/usage`: quantities in each metric's reported unit (storage in GB), money
/// in cents, percentages with two decimals (growth with one).
struct AnalyticsAnswer: Encodable, Sendable {
    struct MetricTotal: Sendable {
        var metric: UsageMetric
        var events: Int
        var quantity: Int64
        var tenants: Int
        var previousQuantity: Int64
    }

    var period: String
    var start: Date
    var end: Date
    var metrics: [MetricTotal]
    var activeTenants: Int
    var previousActiveTenants: Int
    var tiers: [UsageAnalytics.TierSummary]
    var currency: String

    enum Keys: String, CodingKey {
        case period, start, end, totals, activeTenants = "active_tenants", previousActiveTenants = "previous_active_tenants"
        case activeTenantsGrowth = "active_tenants_growth_percent", tiers, overageRevenue = "overage_revenue"
        case events, quantity, tenants, previousQuantity = "previous_quantity", growth = "growth_percent", aggregation
        case activeTenantsInWindow = "active_tenants_in_window", averageAPICalls = "average_api_calls_per_tenant"
        case utilisation = "quota_utilisation_percent", overageCustomers = "overage_customers", total, currency, byMetric = "by_metric"
        case apiCalls = "api_calls", storage = "storage_gb"
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func quantity(_ units: Int64, _ metric: UsageMetric) -> Decimal { Decimal(units) / Decimal(metric.unitsPerQuantity) }
    static func percent(permille: Int64?) -> Decimal? { permille.map { Decimal($0) / 10 } }
    static func percent(basisPoints: Int64?) -> Decimal? { basisPoints.map { Decimal($0) / 100 } }

    func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Keys.self)
        try root.encode(period, forKey: .period)
        try root.encode(Int64(start.timeIntervalSince1970), forKey: .start)
        try root.encode(Int64(end.timeIntervalSince1970), forKey: .end)
        var totals = root.nestedContainer(keyedBy: DynamicKey.self, forKey: .totals)
        for total in metrics {
            var entry = totals.nestedContainer(keyedBy: Keys.self, forKey: DynamicKey(total.metric.rawValue))
            try entry.encode(total.metric.aggregation == .sum ? "sum" : "sum_of_latest_per_tenant", forKey: .aggregation)
            try entry.encode(total.events, forKey: .events)
            try entry.encode(Self.quantity(total.quantity, total.metric), forKey: .quantity)
            try entry.encode(total.tenants, forKey: .tenants)
            try entry.encode(Self.quantity(total.previousQuantity, total.metric), forKey: .previousQuantity)
            try entry.encode(Self.percent(permille: UsageAnalytics.growthPermille(current: total.quantity, previous: total.previousQuantity)),
                             forKey: .growth)
        }
        try root.encode(activeTenants, forKey: .activeTenants)
        try root.encode(previousActiveTenants, forKey: .previousActiveTenants)
        try root.encode(Self.percent(permille: UsageAnalytics.growthPermille(current: Int64(activeTenants), previous: Int64(previousActiveTenants))),
                        forKey: .activeTenantsGrowth)
        var tierContainer = root.nestedContainer(keyedBy: DynamicKey.self, forKey: .tiers)
        var revenue: [UsageMetric: Int64] = [:]
        for tier in tiers {
            var entry = tierContainer.nestedContainer(keyedBy: Keys.self, forKey: DynamicKey(tier.tier.rawValue))
            try entry.encode(tier.tenants, forKey: .tenants)
            try entry.encode(tier.activeTenants, forKey: .activeTenantsInWindow)
            try entry.encode(tier.averageAPICalls, forKey: .averageAPICalls)
            var utilisation = entry.nestedContainer(keyedBy: Keys.self, forKey: .utilisation)
            try utilisation.encode(Self.percent(basisPoints: tier.apiCallUtilisationBasisPoints), forKey: .apiCalls)
            try utilisation.encode(Self.percent(basisPoints: tier.storageUtilisationBasisPoints), forKey: .storage)
            try entry.encode(tier.overageCustomers, forKey: .overageCustomers)
            try entry.encode(tier.overageRevenue.values.reduce(0) { $0 + $1.minorUnits }, forKey: .overageRevenue)
            for (metric, money) in tier.overageRevenue { revenue[metric, default: 0] += money.minorUnits }
        }
        var overage = root.nestedContainer(keyedBy: Keys.self, forKey: .overageRevenue)
        try overage.encode(revenue.values.reduce(0, +), forKey: .total)
        try overage.encode(currency, forKey: .currency)
        var byMetric = overage.nestedContainer(keyedBy: Keys.self, forKey: .byMetric)
        try byMetric.encode(revenue[.apiCalls] ?? 0, forKey: .apiCalls)
        try byMetric.encode(revenue[.storageGB] ?? 0, forKey: .storage)
    }
}
