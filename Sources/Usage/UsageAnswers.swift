import BillingCore
import Foundation
import Hummingbird
import Intake
import Logging
import PostgresNIO
import Storage

// What the usage routes answer, as JSON.

struct UsageAnswer: ResponseEncodable, Sendable {
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
struct MetricUsage: ResponseEncodable, Sendable {
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
struct AnalyticsAnswer: ResponseEncodable, Sendable {
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
