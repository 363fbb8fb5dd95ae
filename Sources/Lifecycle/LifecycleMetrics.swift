import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Prometheus
import Storage
import Stripe

/// What the lifecycle consumer counts beyond the runner's own metrics.
struct LifecycleMetrics: Sendable {
    let transitions: Counter
    let anomalies: Counter
    let staleSnapshots: Counter
    let unknownPrices: Counter
    let payments: Counter
    let commands: [CommandRecord.Status: Counter]

    init(registry: PrometheusCollectorRegistry) {
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "lifecycle", metricName: name,
                                                                  unitName: "total", helpText: help))
        }
        transitions = counter("transitions", "Subscription status changes applied")
        anomalies = counter("anomalies", "Status changes the state machine does not expect (applied: Stripe is the truth)")
        staleSnapshots = counter("stale_snapshots", "Snapshots older than the one applied, recorded and skipped")
        unknownPrices = counter("unknown_prices", "Subscription items whose price maps to no plan")
        payments = counter("payments", "Invoices seen paid for the first time")
        var commands: [CommandRecord.Status: Counter] = [:]
        for status in [CommandRecord.Status.sent, .rejected, .failed] {
            commands[status] = registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "lifecycle", metricName: "commands", unitName: "total",
                                                 helpText: "Platform commands by outcome: sent to Stripe, rejected, failed"),
                labels: [("outcome", status.rawValue)])
        }
        self.commands = commands
    }

    func command(_ status: CommandRecord.Status) {
        commands[status]?.increment()
    }

    func record(_ plan: LifecyclePlan, logger: Logger) {
        transitions.increment(by: Int64(plan.changes.transitions.count))
        anomalies.increment(by: Int64(plan.anomalies.count))
        staleSnapshots.increment(by: Int64(plan.changes.staleSnapshots.count))
        unknownPrices.increment(by: Int64(plan.unknownPrices.count))
        payments.increment(by: Int64(plan.paymentsRecorded))
        for anomaly in plan.anomalies {
            logger.warning("unexpected subscription transition applied", metadata: [
                "subscription": "\(anomaly.stripeSubscriptionID)", "event": "\(anomaly.eventID)",
                "from": "\(anomaly.fromStatus?.rawValue ?? "-")", "to": "\(anomaly.toStatus.rawValue)"])
        }
        for unknown in plan.unknownPrices {
            logger.error("subscription price maps to no plan; configure price_map in config/plans.yaml or set plan_tier metadata",
                         metadata: ["price": "\(unknown.priceID)", "reason": "\(unknown.reason)"])
        }
    }
}
