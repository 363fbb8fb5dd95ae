import Prometheus
import Synchronization

/// The intake's Prometheus metrics, in a registry of its own (served at `GET /metrics`).
public final class IntakeMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let confirmLatency: DurationHistogram
    let inFlightConfirms: Gauge
    /// Request counters by route and status, made once each: the registry's lookup builds the
    /// metric's name and sorts its labels, which costs more than the count.
    private let requestCounters = Mutex<[RouteStatus: Counter]>([:])

    private struct RouteStatus: Hashable {
        var route: String
        var status: Int
    }

    /// The intake's metrics, made in `registry` (which `GET /metrics` serves): pass the process's shared registry so
    /// the consumers' metrics are served too.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        confirmLatency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "intake", metricName: "publish_confirm", unitName: "seconds",
                                             helpText: "Time from publishing accepted events to the broker's confirm"),
            buckets: [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                      .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5)])
        inFlightConfirms = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "billing", subsystem: "intake", metricName: "publish_in_flight", unitName: "",
            helpText: "Publishes waiting for the broker's confirm"))
    }

    func request(route: String, status: Int) {
        let key = RouteStatus(route: route, status: status)
        if let counter = requestCounters.withLock({ $0[key] }) { return counter.increment() }
        let counter = registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "intake", metricName: "requests", unitName: "total",
                                             helpText: "HTTP requests by route and status"),
            labels: [("route", route), ("status", String(status))])
        requestCounters.withLock { $0[key] = counter }
        counter.increment()
    }

    func verificationFailure(route: String, reason: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "intake", metricName: "verification_failures", unitName: "total",
                                             helpText: "Refused signatures by route and reason"),
            labels: [("route", route), ("reason", reason)]
        ).increment()
    }

    func publishFailure(reason: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "intake", metricName: "publish_failures", unitName: "total",
                                             helpText: "Accepted requests answered 503 because the broker did not confirm"),
            labels: [("reason", reason)]
        ).increment()
    }
}
