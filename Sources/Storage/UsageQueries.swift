import BillingCore
import Foundation
import Logging
import PostgresNIO

/// Reads recorded usage by time range.
public struct UsageQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Every metric the tenant reported in `[start, end)`: the sum, the last value (by time,
    /// then event id), the maximum, and the sum since `dayStart`.
    public func totals(tenantID: String, start: Date, end: Date, dayStart: Date) async throws -> [UsageTotals] {
        let rows = try await client.query("""
            SELECT metric, count(*)::bigint, sum(units)::bigint, (array_agg(units ORDER BY occurred_at DESC, event_id DESC))[1], max(units),
                   coalesce(sum(units) FILTER (WHERE occurred_at >= \(dayStart)), 0)::bigint
              FROM usage_events WHERE tenant_id = \(tenantID) AND occurred_at >= \(start) AND occurred_at < \(end)
             GROUP BY metric ORDER BY metric
            """, logger: logger)
        var totals: [UsageTotals] = []
        for try await (metric, events, sum, last, maximum, today) in rows.decode((String, Int, Int64, Int64, Int64, Int64).self) {
            totals.append(UsageTotals(metric: metric, events: events, sum: sum, last: last, maximum: maximum, sumToday: today))
        }
        return totals
    }
}

extension UsageQueries {
    /// Per metric in `[start, end)`: events, quantity and reporting tenants; and the number of
    /// tenants that reported anything.
    public func window(start: Date, end: Date) async throws -> (metrics: [UsageMetricWindow], activeTenants: Set<String>) {
        let rows = try await client.query("""
            WITH w AS (
                SELECT event_id, tenant_id, metric, units, occurred_at FROM usage_events
                 WHERE occurred_at >= \(start) AND occurred_at < \(end)
            ), latest AS (
                SELECT DISTINCT ON (tenant_id, metric) tenant_id, metric, units FROM w
                 WHERE metric NOT IN ('api_calls', 'ai_requests')
                 ORDER BY tenant_id, metric, occurred_at DESC, event_id DESC
            )
            SELECT m.metric, m.events, CASE WHEN m.metric IN ('api_calls', 'ai_requests') THEN m.total
                                            ELSE (SELECT coalesce(sum(units), 0) FROM latest l WHERE l.metric = m.metric)::bigint END,
                   m.tenants
              FROM (SELECT metric, count(*)::bigint AS events, sum(units)::bigint AS total, count(DISTINCT tenant_id)::bigint AS tenants
                      FROM w GROUP BY metric) m
             ORDER BY m.metric
            """, logger: logger)
        var metrics: [UsageMetricWindow] = []
        for try await (metric, events, quantity, tenants) in rows.decode((String, Int, Int64, Int).self) {
            metrics.append(UsageMetricWindow(metric: metric, events: events, quantity: quantity, tenants: tenants))
        }
        let tenantRows = try await client.query("""
            SELECT DISTINCT tenant_id FROM usage_events WHERE occurred_at >= \(start) AND occurred_at < \(end)
            """, logger: logger)
        var active = Set<String>()
        for try await tenant in tenantRows.decode(String.self) { active.insert(tenant) }
        return (metrics, active)
    }

    /// API calls per tenant in `[start, end)`.
    public func apiCallsByTenant(start: Date, end: Date) async throws -> [String: Int64] {
        let rows = try await client.query("""
            SELECT tenant_id, sum(units)::bigint FROM usage_events
             WHERE metric = 'api_calls' AND occurred_at >= \(start) AND occurred_at < \(end) GROUP BY tenant_id
            """, logger: logger)
        var calls: [String: Int64] = [:]
        for try await (tenant, sum) in rows.decode((String, Int64).self) { calls[tenant] = sum }
        return calls
    }

    /// Every live subscription with a plan, and its current period's API calls and last storage
    /// level (from the period's totals).
    public func standings() async throws -> [UsageStandingRow] {
        let rows = try await client.query("""
            WITH live AS (
                SELECT DISTINCT ON (t.tenant_id) t.tenant_id, s.tier, s.current_period_end
                  FROM subscriptions s LEFT JOIN billing_accounts a ON a.stripe_customer_id = s.stripe_customer_id
                 CROSS JOIN LATERAL (SELECT coalesce(s.tenant_id, a.tenant_id) AS tenant_id) t
                 WHERE t.tenant_id IS NOT NULL AND s.tier IS NOT NULL AND s.current_period_end IS NOT NULL
                   AND s.status IN ('trialing', 'active', 'past_due', 'unpaid')
                 ORDER BY t.tenant_id, s.current_period_end DESC
            )
            SELECT l.tenant_id, l.tier,
                   coalesce((SELECT units_sum FROM usage_totals u WHERE u.tenant_id = l.tenant_id AND u.metric = 'api_calls'
                               AND u.window_end = l.current_period_end), 0),
                   coalesce((SELECT last_units FROM usage_totals u WHERE u.tenant_id = l.tenant_id AND u.metric = 'storage_gb'
                               AND u.window_end = l.current_period_end), 0)
              FROM live l ORDER BY l.tenant_id
            """, logger: logger)
        var standings: [UsageStandingRow] = []
        for try await (tenant, tier, calls, storage) in rows.decode((String, String, Int64, Int64).self) {
            standings.append(UsageStandingRow(tenantID: tenant, tier: tier, apiCalls: calls, storage: storage))
        }
        return standings
    }
}
