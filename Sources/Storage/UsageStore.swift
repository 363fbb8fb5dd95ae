import BillingCore
import Foundation
import Logging
import PostgresNIO

/// `usage_events`, `usage_totals` and `usage_alerts`. The usage consumer writes in its inbox
/// transaction; the read routes read recorded usage by time range.
public struct UsageStore: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// What one write did.
    public struct Recorded: Sendable, Equatable {
        /// Rows new to the table (or, for an attribution pass, newly attributed).
        public var inserted: Int
        /// New rows for tenants without a live subscription.
        public var unattributed: Int
        /// New rows attributed but in no window: older than Stripe takes meter events.
        public var tooOld: Int = 0
        /// The windows that changed, with their totals after the write.
        public var windows: [UsageWindowState]
    }

    /// The live subscription of each tenant that has one (the newest, if several).
    public func livePeriods(tenantIDs: Set<String>) async throws -> [String: LiveUsagePeriod] {
        guard !tenantIDs.isEmpty else { return [:] }
        let tenants = Array(tenantIDs)
        let rows = try await connection.query("""
            SELECT DISTINCT ON (t.tenant_id) t.tenant_id, s.stripe_customer_id, s.tier, s.current_period_start, s.current_period_end
              FROM subscriptions s LEFT JOIN billing_accounts a ON a.stripe_customer_id = s.stripe_customer_id
             CROSS JOIN LATERAL (SELECT coalesce(s.tenant_id, a.tenant_id) AS tenant_id) t
             WHERE t.tenant_id = ANY(\(tenants))
               AND s.status IN ('trialing', 'active', 'past_due', 'unpaid')
               AND s.current_period_start IS NOT NULL AND s.current_period_end IS NOT NULL
             ORDER BY t.tenant_id, s.current_period_end DESC, s.created DESC NULLS LAST
            """, logger: logger)
        var periods: [String: LiveUsagePeriod] = [:]
        for try await (tenant, customer, tier, start, end) in rows.decode((String, String, String?, Date, Date).self) {
            periods[tenant] = LiveUsagePeriod(tenantID: tenant, stripeCustomerID: customer, tier: tier, periodStart: start, periodEnd: end)
        }
        return periods
    }

    /// Inserts the events not stored yet (by event id) and adds the new ones to their windows'
    /// totals, in one statement.
    public func record(_ events: [PlacedUsageEvent]) async throws -> Recorded {
        guard !events.isEmpty else { return Recorded(inserted: 0, unattributed: 0, windows: []) }
        return try await write(events, source: """
            INSERT INTO usage_events (event_id, tenant_id, metric, units, occurred_at, attributed)
            SELECT event_id, tenant_id, metric, units, to_timestamp(occurred_at), attributed FROM incoming
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id
            """)
    }

    /// Stored events that are not attributed yet, of tenants that have a live subscription now
    /// (locked until the transaction ends, so two passes never take the same ones: call it
    /// inside a transaction).
    public func unattributedEvents(limit: Int) async throws -> [UsageEventRecord] {
        let rows = try await connection.query("""
            SELECT e.event_id, e.tenant_id, e.metric, e.units, e.occurred_at FROM usage_events e
             WHERE NOT e.attributed AND EXISTS (
                   SELECT 1 FROM subscriptions s LEFT JOIN billing_accounts a ON a.stripe_customer_id = s.stripe_customer_id
                    WHERE coalesce(s.tenant_id, a.tenant_id) = e.tenant_id
                      AND s.status IN ('trialing', 'active', 'past_due', 'unpaid') AND s.current_period_end IS NOT NULL)
             ORDER BY e.tenant_id, e.occurred_at
             LIMIT \(limit)
               FOR UPDATE OF e SKIP LOCKED
            """, logger: logger)
        var records: [UsageEventRecord] = []
        for try await (id, tenant, metric, units, occurredAt) in rows.decode((String, String, String, Int64, Date).self) {
            records.append(UsageEventRecord(eventID: id, tenantID: tenant, metric: metric, units: units, occurredAt: occurredAt))
        }
        return records
    }

    /// Marks stored events attributed and adds them to their windows (those still unattributed:
    /// a second pass over the same events adds nothing).
    public func attribute(_ events: [PlacedUsageEvent]) async throws -> Recorded {
        let placed = events.filter(\.attributed)
        guard !placed.isEmpty else { return Recorded(inserted: 0, unattributed: 0, windows: []) }
        return try await write(placed, source: """
            UPDATE usage_events e SET attributed = true FROM incoming i
             WHERE e.event_id = i.event_id AND NOT e.attributed
            RETURNING e.event_id
            """)
    }

    /// Records the alerts not recorded before; returns those (each is announced once).
    public func recordAlerts(_ alerts: [UsageAlertRecord]) async throws -> [UsageAlertRecord] {
        guard !alerts.isEmpty else { return [] }
        let json = String(decoding: try RecordCoding.encoder.encode(alerts), as: UTF8.self)
        let rows = try await connection.query("""
            INSERT INTO usage_alerts (tenant_id, metric, window_end, threshold, used_units)
            SELECT tenant_id, metric, to_timestamp(window_end), threshold, used_units
              FROM jsonb_to_recordset(\(json)::jsonb) AS r(tenant_id text, metric text, window_end bigint, threshold integer, used_units bigint)
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, metric, extract(epoch FROM window_end)::bigint, threshold, used_units
            """, logger: logger)
        var recorded: [UsageAlertRecord] = []
        for try await (tenant, metric, end, threshold, used) in rows.decode((String, String, Int64, Int, Int64).self) {
            recorded.append(UsageAlertRecord(tenantID: tenant, metric: metric, windowEnd: end, threshold: threshold, usedUnits: used))
        }
        return recorded
    }

    /// Lets the statements of this transaction run up to `limit` instead of the connection's
    /// `statement_timeout`: for reports that scan a whole window of events, which an operator
    /// asks for rarely and may wait for. Call it first inside a transaction.
    public func allowLongReads(upTo limit: Duration) async throws {
        let milliseconds = limit.components.seconds * 1_000 + limit.components.attoseconds / 1_000_000_000_000_000
        _ = try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL statement_timeout = \(milliseconds)"), logger: logger).collect()
    }

    /// Every metric the tenant reported in `[start, end)`: the sum, the last value (by time,
    /// then event id), the maximum, and the sum since `dayStart`.
    public func totals(tenantID: String, start: Date, end: Date, dayStart: Date) async throws -> [UsageTotals] {
        let rows = try await connection.query("""
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

    /// Per metric in `[start, end)`: events, quantity and reporting tenants; and the number of
    /// tenants that reported anything.
    public func window(start: Date, end: Date) async throws -> (metrics: [UsageMetricWindow], activeTenants: Set<String>) {
        let rows = try await connection.query("""
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
        let tenantRows = try await connection.query("""
            SELECT DISTINCT tenant_id FROM usage_events WHERE occurred_at >= \(start) AND occurred_at < \(end)
            """, logger: logger)
        var active = Set<String>()
        for try await tenant in tenantRows.decode(String.self) { active.insert(tenant) }
        return (metrics, active)
    }

    /// API calls per tenant in `[start, end)`.
    public func apiCallsByTenant(start: Date, end: Date) async throws -> [String: Int64] {
        let rows = try await connection.query("""
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
        let rows = try await connection.query("""
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

    private struct Row: Encodable {
        var event_id: String
        var tenant_id: String
        var metric: String
        var units: Int64
        var occurred_at: Double
        var attributed: Bool
        var window_kind: String?
        var window_start: Int64?
        var window_end: Int64?
        var customer: String?
    }

    /// `source` is a statement over `incoming` that returns the event ids it took (inserted or
    /// newly attributed); only those are added to the totals, so a repeat adds nothing.
    private func write(_ events: [PlacedUsageEvent], source: String) async throws -> Recorded {
        var seen = Set<String>()
        var rows: [Row] = []
        rows.reserveCapacity(events.count)
        for event in events where seen.insert(event.record.eventID).inserted {
            rows.append(Row(event_id: event.record.eventID, tenant_id: event.record.tenantID, metric: event.record.metric,
                            units: event.record.units, occurred_at: event.record.occurredAt.timeIntervalSince1970,
                            attributed: event.attributed, window_kind: event.window?.kind.rawValue, window_start: event.window?.start,
                            window_end: event.window?.end, customer: event.stripeCustomerID))
        }
        let json = String(decoding: try RecordCoding.encoder.encode(rows), as: UTF8.self)
        // Grouped before the upsert (ON CONFLICT may touch a row once per statement) and sorted,
        // so two writers lock windows in the same order and never deadlock.
        let rowsOut = try await connection.query(PostgresQuery(unsafeSQL: """
            WITH incoming AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, tenant_id text, metric text, units bigint,
                    occurred_at double precision, attributed boolean, window_kind text, window_start bigint, window_end bigint, customer text)
            ), taken AS (
                \(source)
            ), placed AS (
                SELECT i.* FROM incoming i JOIN taken t ON t.event_id = i.event_id WHERE i.window_end IS NOT NULL
            ), totalled AS (
                INSERT INTO usage_totals AS t (tenant_id, metric, window_kind, window_start, window_end, stripe_customer_id, units_sum,
                                              last_units, last_at, last_event_id, max_units, events)
                SELECT tenant_id, metric, min(window_kind), to_timestamp(min(window_start)), to_timestamp(window_end), min(customer), sum(units),
                       (array_agg(units ORDER BY occurred_at DESC, event_id DESC))[1], to_timestamp(max(occurred_at)),
                       (array_agg(event_id ORDER BY occurred_at DESC, event_id DESC))[1], max(units), count(*)
                  FROM placed GROUP BY tenant_id, metric, window_end ORDER BY tenant_id, metric, window_end
                ON CONFLICT (tenant_id, metric, window_end) DO UPDATE SET
                    units_sum = t.units_sum + EXCLUDED.units_sum,
                    last_units = CASE WHEN (EXCLUDED.last_at, EXCLUDED.last_event_id) > (t.last_at, t.last_event_id)
                                      THEN EXCLUDED.last_units ELSE t.last_units END,
                    last_event_id = CASE WHEN (EXCLUDED.last_at, EXCLUDED.last_event_id) > (t.last_at, t.last_event_id)
                                         THEN EXCLUDED.last_event_id ELSE t.last_event_id END,
                    last_at = greatest(t.last_at, EXCLUDED.last_at),
                    max_units = greatest(t.max_units, EXCLUDED.max_units),
                    events = t.events + EXCLUDED.events,
                    stripe_customer_id = EXCLUDED.stripe_customer_id,
                    updated_at = now()
                RETURNING t.tenant_id, t.metric, t.window_kind, t.window_end, t.units_sum, t.last_units
            )
            SELECT (SELECT count(*) FROM taken)::bigint,
                   (SELECT count(*) FROM incoming i JOIN taken t ON t.event_id = i.event_id WHERE NOT i.attributed)::bigint,
                   (SELECT count(*) FROM incoming i JOIN taken t ON t.event_id = i.event_id WHERE i.attributed AND i.window_end IS NULL)::bigint,
                   w.tenant_id, w.metric, w.window_kind, w.window_end, w.units_sum, w.last_units
              FROM (SELECT 1) one LEFT JOIN totalled w ON true
            """, binds: PostgresConnection.binds(json)), logger: logger)
        var recorded = Recorded(inserted: 0, unattributed: 0, windows: [])
        for try await (inserted, unattributed, tooOld, tenant, metric, kind, end, sum, last)
            in rowsOut.decode((Int, Int, Int, String?, String?, String?, Date?, Int64?, Int64?).self)
        {
            recorded.inserted = inserted
            recorded.unattributed = unattributed
            recorded.tooOld = tooOld
            if let tenant, let metric, let kind, let end, let sum, let last {
                recorded.windows.append(UsageWindowState(tenantID: tenant, metric: metric, windowKind: kind, windowEnd: end, sum: sum, last: last))
            }
        }
        return recorded
    }
}
