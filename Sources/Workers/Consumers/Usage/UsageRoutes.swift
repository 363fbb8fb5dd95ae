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
        [OperatorRoute("v1/tenants/:tenant_id/usage") { request in try await current(tenantID: try request.parameter("tenant_id")) }]
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
