import AMQP
import BillingCore
import ConsumerRuntime
import Foundation
import Intake
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Storage
import Stripe

/// Runs the reporter every `interval` (in `serve` and `schedule`), the first time one interval
/// after start, so that restarts do not add passes; several may run at once.
public struct UsageReportingService: Service {
    let reporter: UsageReporter

    /// The service running `reporter` at its interval.
    public init(reporter: UsageReporter) {
        self.reporter = reporter
    }

    /// Runs a pass every interval until the service group shuts down; a failed pass is logged and
    /// the next one tries again.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // An hour's sleep must not hold up a graceful shutdown.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: reporter.settings.interval) }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
            do {
                _ = try await reporter.runOnce()
            } catch {
                reporter.logger.warning("usage report pass failed; trying again next interval", metadata: ["error": "\(FailureClassifier.describe(error))"])
            }
        }
    }
}
