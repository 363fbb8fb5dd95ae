import Prometheus

/// Per-consumer counters and handler latency, in the process's Prometheus registry.
public struct ConsumerMetrics: Sendable {
    let processed: Counter
    let duplicates: Counter
    let retried: Counter
    let deadLettered: Counter
    let databaseWaits: Counter
    let callsCompleted: Counter
    let crashes: Counter
    let callsRetried: Counter
    let callsAbandoned: Counter
    let latency: DurationHistogram

    /// The metrics of `consumer`, labelled with its name, made in `registry`.
    public init(consumer: String, registry: PrometheusCollectorRegistry) {
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "consumer", metricName: name,
                                                                  unitName: "total", helpText: help),
                                 labels: [("consumer", consumer)])
        }
        processed = counter("processed", "Events whose effects were applied")
        duplicates = counter("duplicates", "Events already in the inbox, acknowledged with no effect")
        retried = counter("retried", "Failed events sent to a retry queue")
        deadLettered = counter("dead_lettered", "Events sent to the dead-letter queue")
        databaseWaits = counter("database_waits", "Times a worker held its deliveries until the database answered again")
        crashes = counter("crash_dead_lettered", "Redelivered events dead-lettered because their process died handling them too often")
        callsCompleted = counter("calls_completed", "Calls to Stripe made after their transaction committed, outcome recorded")
        callsRetried = counter("calls_retried", "Attempts of such calls that failed and wait for a retry")
        callsAbandoned = counter("calls_abandoned", "Such calls given up, their failure recorded as the outcome")
        latency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "consumer", metricName: "handler_duration",
                                             unitName: "seconds", helpText: "Time to handle one event, inbox transaction included"),
            labels: [("consumer", consumer)],
            buckets: [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5)])
    }
}
