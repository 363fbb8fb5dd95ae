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
import Workers

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print figures.", subcommands: [PublishBench.self, VerifyBench.self, FillBench.self, ConsumeBench.self, DunningBench.self])
}

/// Confirmed publishes per second into a quorum queue, as the intake does them.
struct PublishBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish N persistent messages with confirms into a quorum queue and print confirmed messages per second.")

    @Option(help: "Messages to publish.") var count = 100_000
    @Option(help: "Body size in bytes.") var size = 1024
    @Option(help: "Publishes in flight at once (concurrent callers).") var window = 1000
    @Option(help: "The quorum queue to fill; purged before and deleted after.") var queue = "billing.bench.publish"

    func validate() throws {
        guard count > 0, size >= 0, window > 0 else { throw ValidationError("count and window must be > 0, size >= 0") }
    }

    func run() async throws {
        try await Startup.run("billing.bench") { environment, logger in
            let amqp = try environment.amqp()
            try await AMQPConnection.withConnection(configuration: amqp, logger: logger) { connection in
                try await connection.declareQueue(queue, arguments: ["x-queue-type": .string("quorum")])
                try await connection.purgeQueue(queue)
                let body = [UInt8](repeating: UInt8(ascii: "x"), count: size)
                let message = AMQPMessage(exchange: "", routingKey: queue, body: body,
                                          properties: AMQPProperties(contentType: "application/octet-stream", persistent: true))
                let total = count
                let callers = min(window, total)
                let clock = ContinuousClock()
                let start = clock.now
                // Each caller publishes its share one message at a time, as concurrent HTTP
                // requests do in the intake.
                let failed = await withTaskGroup(of: Int.self) { group in
                    for caller in 0..<callers {
                        let share = total / callers + (caller < total % callers ? 1 : 0)
                        group.addTask {
                            var failed = 0
                            for _ in 0..<share {
                                do { try await connection.publish(message) } catch { failed += 1 }
                            }
                            return failed
                        }
                    }
                    return await group.reduce(0, +)
                }
                let elapsed = clock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let state = try await connection.inspectQueue(queue)
                try await connection.deleteQueue(queue)
                let confirmed = total - failed
                print("published \(total) messages of \(size) bytes, window \(window), broker \(connection.serverVersion ?? "?")")
                print(String(format: "confirmed %d in %.2f s: %.0f confirmed msg/s; failed %d; queue held %d",
                             confirmed, seconds, Double(confirmed) / seconds, total - confirmed, state.messageCount))
            }
        }
    }
}

/// Stripe signature verifications per second on one core (the calling thread).
struct VerifyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify N signed webhook bodies of SIZE bytes on one core and print verifications per second.")

    @Option(help: "Verifications to run.") var count = 1_000_000
    @Option(help: "Body size in bytes.") var size = 2048
    @Option(help: "Configured secrets (2 during a rotation; the match is the last one tried).") var secrets = 1

    func run() throws {
        let keys = (0..<max(secrets, 1)).map { "whsec_bench_secret_\($0)" }
        let verifier = WebhookSignatureVerifier(secrets: keys)
        let body = Array((#"{"id":"evt_bench","object":"event","type":"invoice.paid","pad":""# + String(repeating: "x", count: max(size - 60, 0)) + #""}"#).utf8)
        let now = Date()
        let header = WebhookSignatureVerifier.header(payload: body, secret: keys.last!, timestamp: Int64(now.timeIntervalSince1970))
        let clock = ContinuousClock()
        let start = clock.now
        var accepted = 0
        for _ in 0..<count {
            if (try? verifier.verify(payload: body, header: header, now: now)) != nil { accepted += 1 }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard accepted == count else { throw ValidationError("only \(accepted) of \(count) verified: the benchmark is broken") }
        print(String(format: "verified %d bodies of %d bytes with %d secret(s) in %.2f s on one core: %.0f verifications/s",
                     count, body.count, keys.count, seconds, Double(count) / seconds))
    }
}

/// Fills a consumer's queue with events from a file, for `bench consume` to drain.
struct FillBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill",
        abstract: "Publish every line of FILE (one Stripe event per line) to a consumer's queue, as `stripe.<type>` routes it.")

    @Option(help: "One JSON Stripe event per line.") var file: String
    @Option(help: "The consumer whose queue is filled.") var consumer = "lifecycle"
    @Option(help: "Messages per confirmed batch.") var window = 1000
    @Flag(help: "The lines are internal events (`{id, type, tenant_id, …}`), routed as `internal.<type>`.") var `internal` = false

    func run() async throws {
        try await Startup.run("billing.bench") { environment, logger in
            let definition = try ConsumerDefinition.loadAll(from: environment.consumersDirectory()).first { $0.name == consumer }
            guard let definition else { throw ValidationError("no consumer \(consumer)") }
            guard let text = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let lines = text.split(separator: UInt8(ascii: "\n"))
            let decoder = JSONDecoder()
            let clock = ContinuousClock()
            let start = clock.now
            try await AMQPConnection.withConnection(configuration: try environment.amqp(), logger: logger) { connection in
                var batch: [AMQPMessage] = []
                struct InternalEnvelope: Decodable {
                    var id: String
                    var type: String
                    var tenant_id: String?
                }
                for line in lines {
                    var properties: AMQPProperties
                    if `internal` {
                        let envelope = try decoder.decode(InternalEnvelope.self, from: Data(line))
                        properties = AMQPProperties(contentType: "application/json", persistent: true, messageID: envelope.id, type: envelope.type)
                        properties.headers[EventHeaders.originalRoutingKey] = .string("internal.\(envelope.type)")
                        if let tenant = envelope.tenant_id { properties.headers["x-tenant-id"] = .string(tenant) }
                    } else {
                        let envelope = try decoder.decode(StripeEventEnvelope.self, from: Data(line))
                        properties = AMQPProperties(contentType: "application/json", persistent: true, messageID: envelope.id,
                                                    type: envelope.type)
                        properties.headers[EventHeaders.originalRoutingKey] = .string("stripe.\(envelope.type)")
                        if let customer = envelope.customerID { properties.headers[EventHeaders.partitionKey] = .string(customer) }
                    }
                    batch.append(AMQPMessage(exchange: "", routingKey: definition.queue, body: Array(line), properties: properties))
                    if batch.count == window {
                        try await connection.publish(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try await connection.publish(batch) }
                let held = try await connection.inspectQueue(definition.queue).messageCount
                print(String(format: "published %d events to %@ in %.1f s; the queue holds %d", lines.count, definition.queue,
                             (clock.now - start).seconds, held))
            }
        }
    }
}

/// Drains a consumer's queue with the real runner and handler and prints events per second.
struct ConsumeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Run one consumer until COUNT events are handled; print events per second and the process's peak RSS.")

    @Option(help: "The consumer to run.") var consumer = "lifecycle"
    @Option(help: "Events to wait for (applied or duplicate).") var count: Int

    func run() async throws {
        try await Startup.run("billing.bench") { environment, logger in
            let configuration = try ServeConfiguration(environment: environment)
            let plans = try PlanCatalogFile.load(path: configuration.plansFile)
            guard let definition = try ConsumerDefinition.loadAll(from: configuration.consumersDirectory).first(where: { $0.name == consumer })
            else { throw ValidationError("no consumer \(consumer)") }
            let registry = PrometheusCollectorRegistry()
            let amqp = AMQPConnection(configuration: configuration.amqp, logger: logger)
            let database = Database(configuration: configuration.database, logger: logger)
            let notifications = consumer == "notifications"
                ? try NotificationRuntime.load(configuration.notifications, database: database.client, logger: logger) : nil
            guard let handler = ConsumerCatalog.handler(for: consumer, context: HandlerContext(
                plans: plans, stripe: StripeClient(configuration: configuration.stripe.api, logger: logger), publisher: amqp, registry: registry,
                notifications: notifications)) else {
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

/// The process's peak resident set size (VmHWM), in MiB.
func peakResidentMiB() -> Int { residentMiB(field: "VmHWM:") }

/// A size field of `/proc/self/status`, in MiB.
func residentMiB(field: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
          let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return -1 }
    return kilobytes / 1024
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The dunning scheduler over many open cases: steps dispatched per second, the time of one
/// scheduler pass over every due step, and the due-step query's plan.
struct DunningBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dunning",
        abstract: "Open N Team cases (one step due each, the rest later), time the scheduler dispatching them, show the due query's plan, clean up.")

    @Option(help: "Open cases to create.") var cases = 100_000
    @Option(help: "Due steps per scheduler transaction.") var batch = 500

    func run() async throws {
        try await Startup.run("billing.bench") { environment, logger in
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
        try await amqp.purgeQueue("billing.dunning")
    }

    func cleanUp(_ client: PostgresClient, logger: Logger) async throws {
        try await client.query("DELETE FROM dunning_steps WHERE case_id LIKE 'dc_bench_%'", logger: logger)
        try await client.query("DELETE FROM dunning_cases WHERE case_id LIKE 'dc_bench_%'", logger: logger)
    }
}
