import AMQP
import ArgumentParser
import BillingCore
import Foundation
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Storage
import Stripe
import ConfigurationFiles
import ConsumerRuntime
import Dunning
import Lifecycle
import Notifications
import Settings
import Usage
/// Drains a consumer's queue with the real runner and handler and prints events per second.
struct ConsumeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Run one consumer until COUNT events are handled; print events per second and the process's peak RSS.")

    @Option(help: "The consumer to run.") var consumer = "lifecycle"
    @Option(help: "Events to wait for (applied or duplicate).") var count: Int

    func run() async throws {
        try await BillingBench.run { environment, logger in
            let configuration = try ServeConfiguration(environment: environment)
            let plans = try PlanCatalogFile.load(path: configuration.plansFile)
            guard let definition = try ConsumerDefinition.loadAll(from: configuration.consumersDirectory).first(where: { $0.name == consumer })
            else { throw ValidationError("no consumer \(consumer)") }
            let registry = PrometheusCollectorRegistry()
            let amqp = AMQPConnection(configuration: configuration.amqp, logger: logger)
            let database = Database(configuration: configuration.database, logger: logger)
            let notifications = consumer == "notifications"
                ? try NotificationRuntime.load(configuration.notifications, database: database.client, logger: logger) : nil
            let stripe = StripeClient(configuration: configuration.stripe.api, logger: logger)
            guard let handler = Self.handler(for: consumer, plans: plans, stripe: stripe, publisher: amqp, registry: registry,
                                             notifications: notifications) else {
                throw ValidationError("no handler for \(consumer) in this build")
            }
            let runner = ConsumerRunner(definition: definition, handler: handler, connection: amqp, database: database.client,
                                        metrics: ConsumerMetrics(consumer: consumer, registry: registry), logger: logger)
            let target = count
            let clock = ContinuousClock()
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: database.client), .init(service: amqp), .init(service: runner)], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    var started: ContinuousClock.Instant?
                    var last = (at: clock.now, handled: 0)
                    while true {
                        try await Task.sleep(for: .milliseconds(100))
                        let handled = Self.handled(registry, consumer)
                        if started == nil, handled > 0 { started = clock.now }
                        if clock.now - last.at >= .seconds(5) {
                            print(String(format: "  %d handled, %.0f events/s over the last %.0f s, RSS %d MiB", handled,
                                         Double(handled - last.handled) / (clock.now - last.at).seconds, (clock.now - last.at).seconds,
                                         residentMiB(field: "VmRSS:")))
                            last = (clock.now, handled)
                        }
                        if handled >= target, let started {
                            let seconds = (clock.now - started).seconds
                            print(String(format: "handled %d events in %.1f s: %.0f events/s (consumer %@, batch_size %d, concurrency %d, prefetch %d)",
                                         handled, seconds, Double(handled) / seconds, consumer, definition.batchSize,
                                         definition.concurrency, Int(definition.prefetch)))
                            print("peak RSS: \(peakResidentMiB()) MiB")
                            await group.triggerGracefulShutdown()
                            return
                        }
                    }
                }
                try await tasks.waitForAll()
            }
        }
    }

    /// The handler `billing consume` runs for this consumer, with the default policy and clock.
    static func handler(for consumer: String, plans: PlanCatalog, stripe: StripeClient, publisher: any EventPublisher,
                        registry: PrometheusCollectorRegistry, notifications: NotificationRuntime?) -> (any EventHandler)? {
        switch consumer {
        case "lifecycle": LifecycleHandler(plans: plans, stripe: stripe, registry: registry)
        case "dunning": DunningHandler(policy: .seed, daySeconds: 86_400, stripe: stripe, publisher: publisher, now: { Date() })
        case "usage": UsageHandler(plans: plans, publisher: publisher, registry: registry, now: { Date() })
        case "notifications": notifications?.handler(plans: plans, registry: registry, now: { Date() })
        default: nil
        }
    }

    /// Applied plus duplicate events, from the runner's own counters.
    static func handled(_ registry: PrometheusCollectorRegistry, _ consumer: String) -> Int {
        var total = 0
        for line in registry.emitToString().split(separator: "\n") {
            for name in ["processed", "duplicates"] {
                let prefix = "billing_consumer_\(name)_total{consumer=\"\(consumer)\"} "
                if line.hasPrefix(prefix), let value = Int(line.dropFirst(prefix.count)) { total += value }
            }
        }
        return total
    }
}
