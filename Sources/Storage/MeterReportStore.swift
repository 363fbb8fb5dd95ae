import BillingCore
import Foundation
import Logging
import PostgresNIO

/// `usage_meter_reports`: the reporter's plan, claims and outcomes.
///
/// A report is planned in the same transaction that moves its window's `reported_*` on, and
/// is sent afterwards; a crash after Stripe accepted it and before ``markSent(_:)`` leaves it
/// pending, and the next pass resends it with the same identifier, which Stripe keeps once.
public struct MeterReportStore: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Plans a report for every window of `metrics` (metric → the meter's event name) with
    /// something new and none pending; ``MeterReportPlanner`` decides each one's value and
    /// time. Returns how many windows it looked at and how many reports it planned. Call it
    /// inside a transaction: the windows stay locked until the plan is committed.
    public func planReports(metrics: [String: String], now: Date, limit: Int = 5_000) async throws -> (considered: Int, planned: Int) {
        guard !metrics.isEmpty else { return (0, 0) }
        let names = Array(metrics.keys)
        let sums = UsageMetric.allCases.filter { $0.aggregation == .sum }.map(\.rawValue)
        let oldest = now.addingTimeInterval(-TimeInterval(UsagePlacement.reportableAgeSeconds))
        let rows = try await connection.query("""
            SELECT t.tenant_id, t.metric, t.window_kind, extract(epoch FROM t.window_start)::bigint, extract(epoch FROM t.window_end)::bigint,
                   t.stripe_customer_id, t.units_sum, t.last_units, extract(epoch FROM t.last_at)::bigint, t.reported_sum, t.reported_last,
                   t.report_sequence
              FROM usage_totals t
             WHERE t.metric = ANY(\(names)) AND t.window_end > \(oldest)
               AND CASE WHEN t.metric = ANY(\(sums)) THEN t.units_sum > t.reported_sum
                        ELSE t.reported_last IS DISTINCT FROM t.last_units END
               AND NOT EXISTS (SELECT 1 FROM usage_meter_reports r WHERE r.tenant_id = t.tenant_id AND r.metric = t.metric
                                  AND r.window_end = t.window_end AND r.status = 'pending')
             ORDER BY t.tenant_id, t.metric, t.window_end
             LIMIT \(limit)
               FOR UPDATE OF t SKIP LOCKED
            """, logger: logger)
        struct Planned: Encodable {
            var identifier: String
            var tenant_id: String
            var metric: String
            var window_end: Int64
            var sequence: Int
            var stripe_customer_id: String
            var event_name: String
            var value: Int64
            var event_timestamp: Int64
            var reported_sum: Int64
            var reported_last: Int64?
        }
        var planned: [Planned] = []
        var considered = 0
        for try await (tenant, metricName, kind, start, end, customer, sum, last, lastAt, reportedSum, reportedLast, sequence)
            in rows.decode((String, String, String, Int64, Int64, String, Int64, Int64, Int64, Int64, Int64?, Int).self)
        {
            considered += 1
            guard let metric = UsageMetric(rawValue: metricName), let windowKind = UsageWindow.Kind(rawValue: kind),
                  let eventName = metrics[metricName] else { continue }
            let totals = UsageWindowTotals(metric: metric, window: UsageWindow(kind: windowKind, start: start, end: end), sum: sum,
                                           last: last, lastAt: lastAt, reportedSum: reportedSum, reportedLast: reportedLast)
            guard let report = MeterReportPlanner.report(for: totals, now: Int64(now.timeIntervalSince1970)) else { continue }
            let next = sequence + 1
            planned.append(Planned(identifier: MeterReportPlanner.identifier(tenantID: tenant, metric: metric, windowEnd: end, sequence: next),
                                   tenant_id: tenant, metric: metricName, window_end: end, sequence: next, stripe_customer_id: customer,
                                   event_name: eventName, value: report.value, event_timestamp: report.timestamp,
                                   reported_sum: report.reportedSumAfter, reported_last: report.reportedLastAfter))
        }
        guard !planned.isEmpty else { return (considered, 0) }
        let json = String(decoding: try RecordCoding.encoder.encode(planned), as: UTF8.self)
        try await connection.query("""
            WITH planned AS (
                SELECT * FROM jsonb_to_recordset(\(json)::jsonb) AS r(identifier text, tenant_id text, metric text, window_end bigint,
                    sequence integer, stripe_customer_id text, event_name text, value bigint, event_timestamp bigint,
                    reported_sum bigint, reported_last bigint)
            ), reports AS (
                INSERT INTO usage_meter_reports (identifier, tenant_id, metric, window_end, sequence, stripe_customer_id, event_name,
                                                 value, event_timestamp)
                SELECT identifier, tenant_id, metric, to_timestamp(window_end), sequence, stripe_customer_id, event_name, value,
                       to_timestamp(event_timestamp) FROM planned
            )
            UPDATE usage_totals t SET reported_sum = p.reported_sum, reported_last = p.reported_last, report_sequence = p.sequence
              FROM planned p
             WHERE t.tenant_id = p.tenant_id AND t.metric = p.metric AND extract(epoch FROM t.window_end)::bigint = p.window_end
            """, logger: logger)
        return (considered, planned.count)
    }

    /// Claims up to `limit` pending reports for `lease`, at most one per customer and meter and
    /// only the oldest of each (Stripe takes one request at a time per customer and meter, and
    /// reports of a window go in order). Claims are taken one pass at a time: call it inside a
    /// transaction, which holds the claim lock until it commits.
    public func claim(limit: Int, lease: Duration) async throws -> [PendingMeterReport] {
        let leaseSeconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('billing.usage_meter_reports.claim'))", logger: logger)
        // Hashed once each, not probed per row: the pending reports of customers and meters
        // with a live claim, and the oldest pending report of each customer and meter.
        let rows = try await connection.query("""
            WITH busy AS MATERIALIZED (
                SELECT DISTINCT stripe_customer_id, event_name FROM usage_meter_reports
                 WHERE status = 'pending' AND claimed_until > now()
            ), oldest AS MATERIALIZED (
                SELECT DISTINCT ON (stripe_customer_id, event_name) identifier, stripe_customer_id, event_name, created_at
                  FROM usage_meter_reports WHERE status = 'pending'
                 ORDER BY stripe_customer_id, event_name, window_end, sequence
            ), chosen AS (
                SELECT o.identifier FROM oldest o
                 WHERE NOT EXISTS (SELECT 1 FROM busy b WHERE b.stripe_customer_id = o.stripe_customer_id AND b.event_name = o.event_name)
                 ORDER BY o.created_at LIMIT \(limit)
            )
            UPDATE usage_meter_reports r SET claimed_until = now() + make_interval(secs => \(leaseSeconds)), attempts = r.attempts + 1
              FROM chosen c WHERE r.identifier = c.identifier
            RETURNING r.identifier, r.tenant_id, r.metric, r.stripe_customer_id, r.event_name, r.value,
                      extract(epoch FROM r.event_timestamp)::bigint, r.attempts
            """, logger: logger)
        var claimed: [PendingMeterReport] = []
        for try await (identifier, tenant, metric, customer, eventName, value, timestamp, attempts)
            in rows.decode((String, String, String, String, String, Int64, Int64, Int).self)
        {
            claimed.append(PendingMeterReport(identifier: identifier, tenantID: tenant, metric: metric, stripeCustomerID: customer,
                                              eventName: eventName, value: value, timestamp: timestamp, attempts: attempts))
        }
        return claimed
    }

    /// Settles a report Stripe accepted.
    public func markSent(_ identifier: String) async throws {
        try await connection.query("""
            UPDATE usage_meter_reports SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = NULL
             WHERE identifier = \(identifier)
            """, logger: logger)
    }

    /// Leaves the report pending, not claimable again before `retryAfter`.
    public func markRetry(_ identifier: String, error: String, retryAfter: Duration) async throws {
        let seconds = Double(retryAfter.components.seconds)
        try await connection.query("""
            UPDATE usage_meter_reports SET claimed_until = now() + make_interval(secs => \(seconds)), last_error = \(error)
             WHERE identifier = \(identifier) AND status = 'pending'
            """, logger: logger)
    }

    /// Settles a report Stripe refused for good (it stays `failed` until ``retryFailed()``).
    public func markFailed(_ identifier: String, error: String) async throws {
        try await connection.query("""
            UPDATE usage_meter_reports SET status = 'failed', claimed_until = NULL, last_error = \(error)
             WHERE identifier = \(identifier) AND status = 'pending'
            """, logger: logger)
    }

    /// Failed reports back to pending (after the cause was fixed); returns how many.
    public func retryFailed() async throws -> Int {
        let rows = try await connection.query("""
            UPDATE usage_meter_reports SET status = 'pending', claimed_until = NULL WHERE status = 'failed' RETURNING 1
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count
    }

    /// Every window ending in `(start, end]`, its local total against what was reported.
    public func reconciledWindows(endingAfter start: Date, through end: Date) async throws -> [ReconciledWindow] {
        let rows = try await connection.query("""
            SELECT t.tenant_id, t.metric, t.window_kind, t.window_start, t.window_end,
                   CASE WHEN t.metric IN ('api_calls', 'ai_requests') THEN t.units_sum ELSE t.last_units END,
                   CASE WHEN t.metric IN ('api_calls', 'ai_requests')
                        THEN coalesce(sum(r.value) FILTER (WHERE r.status = 'sent'), 0)::bigint
                        ELSE coalesce((array_agg(r.value ORDER BY r.sequence DESC) FILTER (WHERE r.status = 'sent'))[1], 0) END,
                   coalesce(sum(r.value) FILTER (WHERE r.status = 'pending'), 0)::bigint,
                   coalesce(sum(r.value) FILTER (WHERE r.status = 'failed'), 0)::bigint
              FROM usage_totals t
              LEFT JOIN usage_meter_reports r ON r.tenant_id = t.tenant_id AND r.metric = t.metric AND r.window_end = t.window_end
             WHERE t.window_end > \(start) AND t.window_end <= \(end)
             GROUP BY t.tenant_id, t.metric, t.window_kind, t.window_start, t.window_end, t.units_sum, t.last_units
             ORDER BY t.tenant_id, t.metric, t.window_end
            """, logger: logger)
        var windows: [ReconciledWindow] = []
        for try await (tenant, metric, kind, windowStart, windowEnd, local, sent, pending, failed)
            in rows.decode((String, String, String, Date, Date, Int64, Int64, Int64, Int64).self)
        {
            windows.append(ReconciledWindow(tenantID: tenant, metric: metric, windowKind: kind, windowStart: windowStart, windowEnd: windowEnd,
                                            local: local, sent: sent, pending: pending, failed: failed))
        }
        return windows
    }
}
