import BillingCore
import Foundation
import Logging
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

    public init(registry: PrometheusCollectorRegistry) {
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "usage", metricName: name,
                                                                  unitName: "total", helpText: help))
        }
        recorded = counter("recorded", "Usage events recorded")
        unattributed = counter("unattributed", "Usage events of tenants without a live subscription (kept)")
    }

    public func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        try await handle(batch: [event], connection: connection, logger: logger)
    }

    public func handle(batch events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws {
        let records = try events.map(Self.record)
        let result = try await UsageStore(connection: connection, logger: logger).record(records)
        recorded.increment(by: Int64(result.inserted))
        unattributed.increment(by: Int64(result.unattributed))
    }

    struct Report: Decodable {
        struct Payload: Decodable {
            var metric: String
            var quantity: Decimal
        }
        var id: String
        var type: String
        var occurred_at: String
        var tenant_id: String
        var data: Payload
    }

    /// The row an event stands for; a ``PermanentFailure`` naming the problem otherwise.
    static func record(_ event: InboundEvent) throws -> UsageEventRecord {
        let report: Report
        do { report = try JSONDecoder().decode(Report.self, from: Data(event.body)) } catch {
            throw PermanentFailure("usage event \(event.id): \(FailureClassifier.describe(error))")
        }
        guard report.type == "usage.recorded" else { throw PermanentFailure("usage event \(event.id): unknown type \(report.type)") }
        guard let metric = UsageMetric(rawValue: report.data.metric) else {
            throw PermanentFailure("usage event \(event.id): unknown metric \(report.data.metric) (known: "
                + UsageMetric.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        guard let units = metric.units(of: report.data.quantity) else {
            throw PermanentFailure("usage event \(event.id): quantity \(report.data.quantity) must be a non-negative whole number"
                + (metric == .storageGB ? " of GB with at most three decimals" : ""))
        }
        guard let occurredAt = try? Date(report.occurred_at, strategy: .iso8601) else {
            throw PermanentFailure("usage event \(event.id): occurred_at \(report.occurred_at) is not an ISO 8601 time")
        }
        return UsageEventRecord(eventID: report.id, tenantID: report.tenant_id, metric: metric.rawValue, units: units, occurredAt: occurredAt)
    }
}
