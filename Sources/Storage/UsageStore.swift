import Foundation
import Logging
import PostgresNIO

/// One usage report as stored: exact whole units of its metric.
public struct UsageEventRecord: Codable, Sendable, Equatable {
    public var eventID: String
    public var tenantID: String
    public var metric: String
    public var units: Int64
    public var occurredAt: Date

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", tenantID = "tenant_id", metric, units, occurredAt = "occurred_at"
    }

    public init(eventID: String, tenantID: String, metric: String, units: Int64, occurredAt: Date) {
        self.eventID = eventID
        self.tenantID = tenantID
        self.metric = metric
        self.units = units
        self.occurredAt = occurredAt
    }
}

/// `usage_events`, inside the consumer's inbox transaction.
public struct UsageStore: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// What one batch did.
    public struct Recorded: Sendable, Equatable {
        /// Rows new to the table.
        public var inserted: Int
        /// New rows for tenants without a live subscription.
        public var unattributed: Int
    }

    /// Inserts the events not stored yet (by event id), in one statement; each is flagged with
    /// whether its tenant has a live subscription now.
    public func record(_ events: [UsageEventRecord]) async throws -> Recorded {
        guard !events.isEmpty else { return Recorded(inserted: 0, unattributed: 0) }
        let json = String(decoding: try RecordCoding.encoder.encode(events), as: UTF8.self)
        let rows = try await connection.query("""
            WITH incoming AS (
                SELECT * FROM jsonb_to_recordset(\(json)::jsonb)
                    AS r(event_id text, tenant_id text, metric text, units bigint, occurred_at timestamptz)
            ), live AS (
                SELECT DISTINCT coalesce(s.tenant_id, a.tenant_id) AS tenant_id
                  FROM subscriptions s LEFT JOIN billing_accounts a ON a.stripe_customer_id = s.stripe_customer_id
                 WHERE coalesce(s.tenant_id, a.tenant_id) IN (SELECT DISTINCT tenant_id FROM incoming)
                   AND s.status IN ('trialing', 'active', 'past_due', 'unpaid')
            )
            INSERT INTO usage_events (event_id, tenant_id, metric, units, occurred_at, attributed)
            SELECT i.event_id, i.tenant_id, i.metric, i.units, i.occurred_at, i.tenant_id IN (SELECT tenant_id FROM live)
              FROM incoming i
            ON CONFLICT (event_id) DO NOTHING
            RETURNING attributed
            """, logger: logger)
        var recorded = Recorded(inserted: 0, unattributed: 0)
        for try await attributed in rows.decode(Bool.self) {
            recorded.inserted += 1
            if !attributed { recorded.unattributed += 1 }
        }
        return recorded
    }
}

/// One metric's usage in a period.
public struct UsageTotals: Sendable, Equatable {
    public var metric: String
    public var events: Int
    public var sum: Int64
    public var last: Int64
    public var maximum: Int64
    /// The sum since `dayStart` (AI requests' allowance is per day).
    public var sumToday: Int64
}

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
