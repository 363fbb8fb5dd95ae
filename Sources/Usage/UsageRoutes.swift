import BillingCore
import Foundation
import Hummingbird
import Intake
import Logging
import PostgresNIO
import Storage

/// Usage's operator endpoint:
///
/// - `GET /v1/tenants/{tenant_id}/usage`: the current billing period's usage per metric, its
///   allowance, utilisation and overage (quantity and amount), from the recorded events.
public struct UsageRoutes: OperatorRouteProvider {
    let database: PostgresClient
    let logger: Logger
    let plans: PlanCatalog
    let now: @Sendable () -> Date

    /// Routes reading through `database`, pricing overage with `plans`.
    public init(database: PostgresClient, plans: PlanCatalog, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.logger = logger
        self.plans = plans
        self.now = now
    }

    /// The routes, for the HTTP server to serve behind the ops token.
    public var routes: RouteCollection<BillingRequestContext> {
        let routes = RouteCollection(context: BillingRequestContext.self)
        routes.get("v1/tenants/:tenant_id/usage") { _, context in try await current(tenantID: try context.parameters.value("tenant_id")) }
        routes.get("v1/analytics/usage") { request, _ in try await analytics(period: request.queryValues["period"] ?? "30d") }
        return routes
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
        // A report over every event of two windows: it may take longer than a consumer's statement.
        let (current, previous, calls, rows) = try await UsageStore.withTransaction(on: database, logger: logger) { usage in
            try await usage.allowLongReads(upTo: .seconds(300))
            return (try await usage.window(start: start, end: end), try await usage.window(start: previousStart, end: start),
                    try await usage.apiCallsByTenant(start: start, end: end), try await usage.standings())
        }
        let standings = rows.compactMap { row -> UsageAnalytics.TenantStanding? in
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
        try await database.withConnection { connection in
            try await current(tenantID: tenantID, lifecycle: LifecycleStore(connection: connection, logger: logger),
                              usage: UsageStore(connection: connection, logger: logger))
        }
    }

    func current(tenantID: String, lifecycle: LifecycleStore, usage: UsageStore) async throws -> UsageAnswer {
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
