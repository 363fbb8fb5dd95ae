import AMQP
import ArgumentParser
import BillingCore
import Foundation
import Logging
import Messages
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
/// The dunning scheduler over many open cases: steps dispatched per second, the time of one
/// scheduler pass over every due step, and the due-step query's plan.
struct DunningBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dunning",
        abstract: "Open N Team cases (one step due each, the rest later), time the scheduler dispatching them, show the due query's plan, clean up.")

    @Option(help: "Open cases to create.") var cases = 100_000
    @Option(help: "Due steps per scheduler transaction.") var batch = 500

    func run() async throws {
        try await BillingBench.run { environment, logger in
            let configuration = try ServeConfiguration(environment: environment)
            let amqp = AMQPConnection(configuration: configuration.amqp, logger: logger)
            let database = Database(configuration: configuration.database, logger: logger)
            let group = ServiceGroup(configuration: .init(services: [.init(service: database.client), .init(service: amqp)], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                defer { tasks.cancelAll() }
                try await amqp.waitUntilConnected(timeout: .seconds(10))
                try await Migrator().migrate(database.client, logger: logger)
                try await bench(database.client, amqp, logger: logger)
                await group.triggerGracefulShutdown()
            }
        }
    }

    func bench(_ client: PostgresClient, _ amqp: AMQPConnection, logger: Logger) async throws {
        let clock = ContinuousClock()
        try await cleanUp(client, logger: logger)
        var start = clock.now
        let steps = DunningPlanner.plan(policy: .seed, failedAt: 0, tier: .team)
        try await client.query("""
            INSERT INTO dunning_cases (case_id, stripe_invoice_id, stripe_subscription_id, stripe_customer_id, tenant_id, tier, status,
                                       opened_at, attempts, amount_due, currency)
            SELECT 'dc_bench_' || g, 'in_bench_' || g, 'sub_bench_' || g, 'cus_bench_' || g, 'tenant_bench_' || g, 'team', 'open',
                   now() - interval '1 second' * (g % 3600), 1, 20000, 'usd'
              FROM generate_series(1, \(cases)) AS g
            """, logger: logger)
        try await client.query("""
            INSERT INTO dunning_steps (case_id, step_key, kind, day, due_at, template, status)
            SELECT c.case_id, s.key, s.kind, s.day, c.opened_at + interval '1 day' * s.day, s.template, 'pending'
              FROM dunning_cases c
             CROSS JOIN unnest(\(steps.map(\.key))::text[], \(steps.map(\.kind.rawValue))::text[], \(steps.map(\.day))::int[],
                               \(steps.map { $0.template ?? "" })::text[]) AS s(key, kind, day, template)
             WHERE c.case_id LIKE 'dc_bench_%'
            """, logger: logger)
        try await client.query("ANALYZE dunning_steps", logger: logger)
        try await client.query("ANALYZE dunning_cases", logger: logger)
        print(String(format: "created %d open cases with %d steps each in %.1f s; %d steps due now", cases, steps.count,
                     (clock.now - start).seconds, cases))

        print("due-step query plan:")
        let plan = try await client.query("""
            EXPLAIN SELECT to_jsonb(s)::text, c.tenant_id FROM dunning_steps s JOIN dunning_cases c ON c.case_id = s.case_id
             WHERE s.status = 'pending' AND s.due_at <= now() ORDER BY s.due_at LIMIT \(batch) FOR UPDATE OF s SKIP LOCKED
            """, logger: logger)
        for try await line in plan.decode(String.self) { print("  \(line)") }

        let scheduler = DunningScheduler(database: client, publisher: amqp, interval: .seconds(1), batchSize: batch, logger: logger)
        start = clock.now
        var dispatched = 0, passes = 0
        while true {
            let result = try await scheduler.pass()
            guard result.taken > 0 else { break }
            dispatched += result.dispatched
            passes += 1
        }
        let seconds = (clock.now - start).seconds
        print(String(format: "dispatched %d due steps in %d transactions of up to %d: %.1f s, %.0f steps/s (confirmed publish + mark)",
                     dispatched, passes, batch, seconds, Double(dispatched) / seconds))
        start = clock.now
        let empty = try await scheduler.pass()
        print(String(format: "a pass with nothing due (%d open cases, %d pending steps later): %.1f ms", cases, cases * (steps.count - 1),
                     (clock.now - start).seconds * 1000))
        _ = empty
        try await cleanUp(client, logger: logger)
        try await amqp.purgeQueue(BrokerNames.workQueue(consumer: "dunning"))
    }

    func cleanUp(_ client: PostgresClient, logger: Logger) async throws {
        try await client.query("DELETE FROM dunning_steps WHERE case_id LIKE 'dc_bench_%'", logger: logger)
        try await client.query("DELETE FROM dunning_cases WHERE case_id LIKE 'dc_bench_%'", logger: logger)
    }
}
