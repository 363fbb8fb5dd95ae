import AMQP
import BillingCore
import ConsumerRuntime
import Foundation
import Intake
import Logging
import Messages
import PostgresNIO
import Prometheus
import Storage

/// The `usage` consumer: records `usage.recorded` events, each once (its event id is the key),
/// in exact whole units of its metric (storage in MB), a batch per statement. Usage of a tenant
/// without a live subscription is kept, flagged and counted, never dropped; periods are read by
/// time range, so it counts once the subscription appears. A late event keeps its own time.
public struct UsageHandler: EventHandler {
    let recorded: Counter
    let unattributed: Counter
    let tooOld: Counter
    let alerts: Counter
    let quota: QuotaAlerts
    let now: @Sendable () -> Date

    /// A handler that checks usage against `plans` and publishes quota alerts through `publisher`.
    public init(plans: PlanCatalog, publisher: any EventPublisher, registry: PrometheusCollectorRegistry,
                now: @escaping @Sendable () -> Date = { Date() }) {
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "usage", metricName: name,
                                                                  unitName: "total", helpText: help))
        }
        recorded = counter("recorded", "Usage events recorded")
        unattributed = counter("unattributed", "Usage events of tenants without a live subscription (kept)")
        tooOld = counter("too_old", "Usage events older than Stripe accepts meter events (kept, not reported)")
        alerts = counter("quota_alerts", "Quota alerts announced (80% and 100% of an allowance)")
        quota = QuotaAlerts(plans: plans, publisher: publisher, now: now)
        self.now = now
    }

    /// Records one usage event (a batch of one).
    public func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        try await handle(batch: [event], connection: connection, logger: logger)
    }

    /// Records a batch of usage events in their windows on the inbox transaction's connection, and
    /// announces the quota thresholds they reach.
    public func handle(batch events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws {
        let records = try events.map(Self.record)
        let store = UsageStore(connection: connection, logger: logger)
        let periods = try await store.livePeriods(tenantIDs: Set(records.map(\.tenantID)))
        let placed = Self.place(records, periods: periods, now: Int64(now().timeIntervalSince1970))
        let result = try await store.record(placed)
        recorded.increment(by: Int64(result.inserted))
        unattributed.increment(by: Int64(result.unattributed))
        tooOld.increment(by: Int64(result.tooOld))
        alerts.increment(by: Int64(try await quota.announce(result.windows, periods: periods, store: store)))
    }

    /// Each event with its window (``UsagePlacement``): the tenant's current period, a day of it
    /// for AI requests, a day before it for a late event; unattributed without a live period.
    static func place(_ records: [UsageEventRecord], periods: [String: LiveUsagePeriod], now: Int64) -> [PlacedUsageEvent] {
        records.map { record in
            let live = periods[record.tenantID]
            let period = live.map {
                BillingPeriod(start: Int64($0.periodStart.timeIntervalSince1970), end: Int64($0.periodEnd.timeIntervalSince1970))
            }
            let metric = UsageMetric(rawValue: record.metric) ?? .apiCalls
            switch UsagePlacement.place(occurredAt: Int64(record.occurredAt.timeIntervalSince1970.rounded(.down)), metric: metric,
                                        period: period, now: now) {
            case .window(let window): return PlacedUsageEvent(record: record, window: window, stripeCustomerID: live?.stripeCustomerID, attributed: true)
            case .tooOld: return PlacedUsageEvent(record: record, window: nil, stripeCustomerID: live?.stripeCustomerID, attributed: true)
            case .unattributed: return PlacedUsageEvent(record: record, window: nil, stripeCustomerID: nil, attributed: false)
            }
        }
    }

    /// JSON numbers use '.', whatever the machine's locale.
    static let posix = Locale(identifier: "en_US_POSIX")

    /// The row an event stands for; a ``PermanentFailure`` naming the problem otherwise. Read with
    /// ``JSONParser`` (Foundation's decoder was the consumer's largest cost), the quantity from
    /// its own digits so no binary rounding comes between the text and the units.
    static func record(_ event: InboundEvent) throws -> UsageEventRecord {
        func refuse(_ problem: String) -> PermanentFailure { PermanentFailure("usage event \(event.id): \(problem)") }
        func object(_ bytes: ArraySlice<UInt8>, _ name: String) throws -> [String: JSONElement] {
            let found: [String: JSONElement]?
            do throws(JSONSyntaxError) { found = try JSONParser.parseObjectMembers(bytes) } catch { throw refuse("not valid JSON (\(error))") }
            guard let found else { throw refuse("\(name) must be a JSON object") }
            return found
        }
        let members = try object(event.body[...], "the event")
        guard let data = members["data"] else { throw refuse("data is missing") }
        let payload = try object(event.body[data.range], "data")
        func text(_ name: String, in object: [String: JSONElement], path: String = "") throws -> String {
            guard let value = object[name]?.value.stringValue else { throw refuse("\(path)\(name) must be a string") }
            return value
        }
        let id = try text("id", in: members)
        let type = try text("type", in: members)
        let occurred = try text("occurred_at", in: members)
        let tenantID = try text("tenant_id", in: members)
        let metricName = try text(UsageRecorded.Field.metric, in: payload, path: "data.")
        guard type == UsageRecorded.eventType else { throw refuse("unknown type \(type)") }
        guard let metric = UsageMetric(rawValue: metricName) else {
            throw refuse("unknown metric \(metricName) (known: " + UsageMetric.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        guard let quantityElement = payload[UsageRecorded.Field.quantity], case .number = quantityElement.value else {
            throw refuse("data.quantity must be a number")
        }
        let dataStart = data.range.lowerBound
        let digits = String(decoding: event.body[(dataStart + quantityElement.range.lowerBound)..<(dataStart + quantityElement.range.upperBound)],
                            as: UTF8.self)
        guard let quantity = Decimal(string: digits, locale: Self.posix), let units = metric.units(of: quantity) else {
            throw refuse("quantity \(digits) must be a non-negative whole number" + (metric == .storageGB ? " of GB with at most three decimals" : ""))
        }
        guard let occurredAt = RFC3339.date(occurred) else {
            throw refuse("occurred_at \(occurred) is not an RFC 3339 time with a zone")
        }
        return UsageEventRecord(eventID: id, tenantID: tenantID, metric: metric.rawValue, units: units, occurredAt: occurredAt)
    }
}
