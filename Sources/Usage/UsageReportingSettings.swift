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

/// How usage is reported to Stripe (`config/usage.yaml`).
public struct UsageReportingSettings: Sendable, Equatable {
    /// Metric → the Stripe meter's `event_name`. Metrics not listed are not reported.
    public var meters: [UsageMetric: MeterSettings]
    /// How often the reporter runs in `serve` and `schedule`.
    public var interval: Duration
    /// Meter events in flight at once (each for another customer and meter).
    public var concurrency: Int
    /// How long a claimed report is another reporter's to send before it may be taken over.
    public var claimLease: Duration
    /// The wait before a report Stripe throttled or failed on (after the client's own retries)
    /// is tried again.
    public var retryAfter: Duration

    /// Settings from their parts.
    public init(meters: [UsageMetric: MeterSettings], interval: Duration = .seconds(3_600), concurrency: Int = 8,
                claimLease: Duration = .seconds(120), retryAfter: Duration = .seconds(60)) {
        self.meters = meters
        self.interval = interval
        self.concurrency = concurrency
        self.claimLease = claimLease
        self.retryAfter = retryAfter
    }
}
