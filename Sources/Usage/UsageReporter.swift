import AMQP
import BillingCore
import Foundation
import Intake
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Storage
import Stripe

/// Reports each tenant's usage to Stripe Billing Meter events (`POST /v1/billing/meter_events`).
///
/// A pass: attributes stored usage of tenants whose subscription has appeared; plans a report
/// per window with something new (``MeterReportPlanner``: a sum's delta, a level's latest
/// value) in the same transaction that records it as claimed; then sends the pending ones,
/// one at a time per customer and meter, each with an `identifier` (and `Idempotency-Key`)
/// made of tenant, metric, window and report number. A crash after Stripe accepted a report and
/// before it was marked sent resends the same identifier, which Stripe counts once.
public struct UsageReporter: Sendable {
    let database: PostgresClient
    let stripe: StripeClient
    let settings: UsageReportingSettings
    let plans: PlanCatalog
    let publisher: any EventPublisher
    let logger: Logger
    let now: @Sendable () -> Date
    let metrics: ReporterMetrics

    struct ReporterMetrics: Sendable {
        let sent: Counter
        let retried: Counter
        let failed: Counter

        init(registry: PrometheusCollectorRegistry) {
            func counter(_ name: String, _ help: String) -> Counter {
                registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "usage_reports", metricName: name,
                                                                      unitName: "total", helpText: help))
            }
            sent = counter("sent", "Meter events Stripe accepted")
            retried = counter("retried", "Meter events left pending after Stripe throttled or failed")
            failed = counter("failed", "Meter events Stripe refused (recorded; retry with billing usage report --retry-failed)")
        }
    }

    /// A reporter sending meter events through `stripe` as `settings` say.
    public init(database: PostgresClient, stripe: StripeClient, settings: UsageReportingSettings, plans: PlanCatalog,
                publisher: any EventPublisher, registry: PrometheusCollectorRegistry, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.stripe = stripe
        self.settings = settings
        self.plans = plans
        self.publisher = publisher
        var logger = logger
        logger[metadataKey: "component"] = "usage-reporter"
        self.logger = logger
        self.now = now
        self.metrics = ReporterMetrics(registry: registry)
    }

    /// One pass: attribute, plan, send until nothing is claimable.
    public func runOnce() async throws -> UsageReportSummary {
        var summary = UsageReportSummary()
        let (attributed, alerts) = try await attributePending()
        summary.attributed = attributed
        summary.alerts = alerts
        let meters = Dictionary(uniqueKeysWithValues: settings.meters.map { ($0.key.rawValue, $0.value.eventName) })
        while true {
            let pass = try await MeterReportStore.withTransaction(on: database, logger: logger) { store in
                try await store.planReports(metrics: meters, now: now(), limit: 5_000)
            }
            summary.planned += pass.planned
            if pass.considered < 5_000 || pass.planned == 0 { break }
        }
        while true {
            let claimed = try await MeterReportStore.withTransaction(on: database, logger: logger) { store in
                try await store.claim(limit: settings.concurrency * 50, lease: settings.claimLease)
            }
            if claimed.isEmpty { break }
            let outcomes = await send(claimed)
            for (report, outcome) in outcomes {
                try await record(outcome, for: report)
                switch outcome {
                case .sent: summary.sent += 1
                case .retryLater: summary.retrying += 1
                case .failed: summary.failed += 1
                }
            }
        }
        if summary != UsageReportSummary() { logger.info("usage reported", metadata: ["summary": "\(summary)"]) }
        return summary
    }

    /// Sends claimed reports, `concurrency` at a time (each claimed report is a customer and
    /// meter of its own).
    func send(_ reports: [PendingMeterReport]) async -> [(PendingMeterReport, MeterReportOutcome)] {
        await withTaskGroup(of: (PendingMeterReport, MeterReportOutcome).self) { group in
            var results: [(PendingMeterReport, MeterReportOutcome)] = []
            var next = 0
            func start() {
                guard next < reports.count else { return }
                let report = reports[next]
                next += 1
                group.addTask { (report, await self.sendOne(report)) }
            }
            for _ in 0..<min(settings.concurrency, reports.count) { start() }
            while let result = await group.next() {
                results.append(result)
                start()
            }
            return results
        }
    }

    /// One meter event; Stripe's client retries 429, 5xx and network errors with jittered back-off.
    func sendOne(_ report: PendingMeterReport) async -> MeterReportOutcome {
        let request = StripeRequest(.post, "/v1/billing/meter_events", form: [
            .init("event_name", report.eventName),
            .init("payload[stripe_customer_id]", report.stripeCustomerID),
            .init("payload[value]", String(report.value)),
            .init("timestamp", String(report.timestamp)),
            .init("identifier", report.identifier),
        ], idempotencyKey: report.identifier)
        do {
            _ = try await stripe.send(request)
            return .sent
        } catch let error as StripeAPIError {
            return MeterReportOutcome.of(.failure(error))
        } catch {
            return .retryLater("\(error)")
        }
    }

    func record(_ outcome: MeterReportOutcome, for report: PendingMeterReport) async throws {
        try await MeterReportStore.withConnection(on: database, logger: logger) { store in
            try await record(outcome, for: report, store: store)
        }
    }

    func record(_ outcome: MeterReportOutcome, for report: PendingMeterReport, store: MeterReportStore) async throws {
        switch outcome {
        case .sent:
            try await store.markSent(report.identifier)
            metrics.sent.increment()
        case .retryLater(let reason):
            try await store.markRetry(report.identifier, error: reason, retryAfter: settings.retryAfter)
            metrics.retried.increment()
            logger.warning("meter event not accepted yet; it stays pending", metadata: [
                "identifier": "\(report.identifier)", "attempts": "\(report.attempts)", "error": "\(reason)"])
        case .failed(let reason):
            try await store.markFailed(report.identifier, error: reason)
            metrics.failed.increment()
            logger.error("Stripe refused a meter event: fix the cause, then run billing usage report --now --retry-failed", metadata: [
                "identifier": "\(report.identifier)", "customer": "\(report.stripeCustomerID)", "meter": "\(report.eventName)",
                "error": "\(reason)"])
        }
    }

    /// Places stored events whose tenant now has a live subscription into their windows, and
    /// announces the quota thresholds that reached.
    func attributePending(batch: Int = 5_000) async throws -> (attributed: Int, alerts: Int) {
        var attributed = 0, alerts = 0
        let quota = QuotaAlerts(plans: plans, publisher: publisher, now: now)
        while true {
            let (taken, done, announced) = try await UsageStore.withTransaction(on: database, logger: logger) { store in
                let events = try await store.unattributedEvents(limit: batch)
                guard !events.isEmpty else { return (0, 0, 0) }
                let periods = try await store.livePeriods(tenantIDs: Set(events.map(\.tenantID)))
                let placed = UsageHandler.place(events, periods: periods, now: Int64(now().timeIntervalSince1970))
                let result = try await store.attribute(placed)
                return (events.count, result.inserted, try await quota.announce(result.windows, periods: periods, store: store))
            }
            attributed += done
            alerts += announced
            // Events still unplaceable (after their known period) stay for a later pass.
            if taken < batch || done == 0 { break }
        }
        return (attributed, alerts)
    }
}
