import AMQP
import Foundation
import Logging
import Messages
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Storage
import Synchronization
import Testing

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

/// A handler that kills its "process" on one event, as a crash or `kill -9` would: it drops the
/// process's broker connection (which returns every unacknowledged delivery to the queue, as
/// the kernel's closing of a dead process's socket does) and never returns. Every other event
/// is a row in `test_effects`.
final class KillingHandler: EventHandler {
    let poison: String
    let broker: AMQPConnection
    let killed = Atomic<Bool>(false)

    init(poison: String, broker: AMQPConnection) {
        self.poison = poison
        self.broker = broker
    }

    func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        if event.id == poison {
            killed.store(true, ordering: .sequentiallyConsistent)
            broker.shutdown()
            try await Task.sleep(for: .seconds(600))  // a dead process does nothing more; the test cancels it
        }
        try await connection.query("INSERT INTO test_effects (event_id) VALUES (\(event.id))", logger: logger)
    }
}

/// A handler whose effect is a row in `test_effects`, and whose failures tests switch on.
final class RecordingHandler: EventHandler {
    enum Mode: Sendable { case succeed, failTransiently, failPermanently, failFirstAttemptAfterWriting }
    let mode: Mutex<Mode>
    let calls = Atomic<Int>(0)
    let delay: Duration

    init(_ mode: Mode = .succeed, delay: Duration = .zero) {
        self.mode = Mutex(mode)
        self.delay = delay
    }

    func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        calls.add(1, ordering: .relaxed)
        if String(decoding: event.body, as: UTF8.self) == "poison" { throw PermanentFailure("poison payload") }
        switch mode.withLock({ $0 }) {
        case .failTransiently: throw TransientFailure("upstream down")
        case .failPermanently: throw PermanentFailure("cannot apply")
        case .failFirstAttemptAfterWriting:
            try await connection.query("INSERT INTO test_effects (event_id) VALUES (\(event.id))", logger: logger)
            if event.attempt == 1 { throw TransientFailure("failed after writing") }
            return
        case .succeed: break
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        try await connection.query("INSERT INTO test_effects (event_id) VALUES (\(event.id))", logger: logger)
    }
}

/// Runs consumers in this process, each on its own broker connection and database pool, as
/// separate processes would.
struct RunnerHarness {
    let consumer: ConsumerDefinition
    let publisher: AMQPConnection
    let database: Database
    let registry: PrometheusCollectorRegistry
    let logger = TestServers.logger

    /// - Parameter keepQueues: leave the consumer's queues for a later harness (a "restart").
    /// - Parameter keepEffects: keep the effects of an earlier harness (the same "restarted").
    /// - Parameter callLease: the runners' `callLease` (see ``ConsumerRunner``).
    static func run(consumer: ConsumerDefinition, handlers: [any EventHandler], keepQueues: Bool = false, keepEffects: Bool = false,
                    callLease: Duration = .seconds(120), _ body: (RunnerHarness) async throws -> Void) async throws {
        let logger = TestServers.logger
        let registry = PrometheusCollectorRegistry()
        try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
            try await Migrator().migrate(database.client, logger: logger)
            try await database.client.query(
                "CREATE TABLE IF NOT EXISTS test_effects (id bigserial PRIMARY KEY, event_id text NOT NULL)", logger: logger)
            if !keepEffects { try await database.client.query("TRUNCATE test_effects", logger: logger) }
            try await AMQPConnection.withConnection(configuration: TestServers.amqp, logger: logger) { publisher in
                let plan = try await TopologyDeclarer(connection: publisher).declare([consumer])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var connections: [AMQPConnection] = []
                    for handler in handlers {
                        let connection = AMQPConnection(configuration: TestServers.amqp, logger: logger)
                        let pool = Database(configuration: TestServers.database, logger: logger)
                        connections.append(connection)
                        group.addTask { try await connection.run() }
                        group.addTask { await pool.client.run() }
                        group.addTask {
                            try await connection.waitUntilConnected(timeout: .seconds(10))
                            try await ConsumerRunner(definition: consumer, handler: handler, connection: connection, database: pool.client,
                                                     metrics: ConsumerMetrics(consumer: consumer.name, registry: registry), logger: logger,
                                                     callLease: callLease).run()
                        }
                    }
                    defer { group.cancelAll() }
                    try await body(RunnerHarness(consumer: consumer, publisher: publisher, database: database, registry: registry))
                    for connection in connections { connection.shutdown() }
                }
                if !keepQueues {
                    for case .queue(let name, _) in plan { try? await publisher.deleteQueue(name) }  // clean-up only: unique names, no assertion
                }
            }
        }
    }

    static func consumer(maxAttempts: Int = 3) -> ConsumerDefinition {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return ConsumerDefinition(name: "itest\(suffix)", queue: "test.runner.\(suffix)", bindings: ["itest\(suffix).#"],
                                  prefetch: 20, concurrency: 4, retryDelays: [.milliseconds(200)], maxAttempts: maxAttempts)
    }

    func publish(id: String, body: String = "{}", type: String = "thing.happened") async throws {
        try await publisher.publish(AMQPMessage(
            exchange: BrokerNames.eventsExchange, routingKey: "\(consumer.bindings[0].dropLast(2)).\(type)", body: Array(body.utf8),
            properties: AMQPProperties(contentType: "application/json", messageID: id, type: type)))
    }

    func effects(_ id: String) async throws -> Int {
        let rows = try await database.client.query("SELECT count(*) FROM test_effects WHERE event_id = \(id)", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    func metric(_ name: String) -> Int {
        let prefix = "billing_consumer_\(name)_total{consumer=\"\(consumer.name)\"} "
        let line = registry.emitToString().split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    func deadLetters() async throws -> [DeadLetter] {
        try await DeadLetterQueues(connection: publisher, consumers: [consumer]).list(consumer)
    }

    func deadLetterCount() async throws -> UInt32 {
        try await publisher.inspectQueue(consumer.deadLetterQueue).messageCount
    }
}

extension Integration {
    @Suite("Consumer runner against RabbitMQ and PostgreSQL")
    struct ConsumerRunnerTests {
        @Test func aHandlerThatKeepsFailingIsDeadLetteredAfterTheConfiguredAttempts() async throws {
            let handler = RecordingHandler(.failTransiently)
            try await RunnerHarness.run(consumer: RunnerHarness.consumer(maxAttempts: 3), handlers: [handler]) { (harness) async throws -> Void in
                try await harness.publish(id: "evt_retry")
                #expect(try await eventually(timeout: .seconds(15)) { try await harness.deadLetterCount() == 1 })
                #expect(handler.calls.load(ordering: .relaxed) == 3)
                let letter = try #require(try await harness.deadLetters().first)
                #expect(letter.id == "evt_retry")
                #expect(letter.attempts == 3)
                #expect(letter.reason == "gave up after 3 attempts: upstream down")
                #expect(letter.originalRoutingKey == "\(harness.consumer.bindings[0].dropLast(2)).thing.happened")
                #expect(letter.firstFailedAt != nil)
                #expect(harness.metric("retried") == 2)
                #expect(harness.metric("dead_lettered") == 1)
                #expect(try await harness.effects("evt_retry") == 0)
            }
        }

        @Test func aPoisonPayloadIsDeadLetteredAtOnceWhileOthersFlow() async throws {
            let handler = RecordingHandler()
            try await RunnerHarness.run(consumer: RunnerHarness.consumer(), handlers: [handler]) { (harness) async throws -> Void in
                try await harness.publish(id: "evt_good_1")
                try await harness.publish(id: "evt_poison", body: "poison")
                try await harness.publish(id: "evt_good_2")
                #expect(try await eventually { try await harness.effects("evt_good_2") == 1 })
                #expect(try await eventually { try await harness.deadLetterCount() == 1 })
                let letter = try #require(try await harness.deadLetters().first)
                #expect(letter.id == "evt_poison")
                #expect(letter.attempts == 1)
                #expect(letter.reason == "poison payload")
                #expect(try await harness.effects("evt_good_1") == 1)
            }
        }

        @Test func aMessageWithoutAnEventIdIsDeadLettered() async throws {
            try await RunnerHarness.run(consumer: RunnerHarness.consumer(), handlers: [RecordingHandler()]) { (harness) async throws -> Void in
                try await harness.publisher.publish(AMQPMessage(exchange: "", routingKey: harness.consumer.queue, body: Array("{}".utf8)))
                #expect(try await eventually { try await harness.deadLetterCount() == 1 })
                #expect(try await harness.deadLetters().first?.reason == "the message has no message_id, so it has no event id")
            }
        }

        @Test func theSameEventFiveTimesHasOneEffect() async throws {
            try await RunnerHarness.run(consumer: RunnerHarness.consumer(), handlers: [RecordingHandler()]) { (harness) async throws -> Void in
                for _ in 0..<5 { try await harness.publish(id: "evt_dup") }
                #expect(try await eventually { harness.metric("processed") + harness.metric("duplicates") == 5 })
                #expect(try await harness.effects("evt_dup") == 1)
                #expect(harness.metric("processed") == 1)
                #expect(harness.metric("duplicates") == 4)
            }
        }

        @Test func twoProcessesGivenTheSameEventAtOnceApplyItOnce() async throws {
            // The handler holds its transaction open, so the second process's inbox insert
            // waits on the first's uncommitted row.
            let first = RecordingHandler(delay: .milliseconds(400))
            let second = RecordingHandler(delay: .milliseconds(400))
            try await RunnerHarness.run(consumer: RunnerHarness.consumer(), handlers: [first, second]) { (harness) async throws -> Void in
                try await Task.sleep(for: .milliseconds(300))  // both subscribed
                try await harness.publisher.publish([0, 1].map { _ in
                    AMQPMessage(exchange: "", routingKey: harness.consumer.queue, body: Array("{}".utf8),
                                properties: AMQPProperties(messageID: "evt_race"))
                })
                #expect(try await eventually { harness.metric("processed") + harness.metric("duplicates") == 2 })
                #expect(try await harness.effects("evt_race") == 1)
                #expect(harness.metric("processed") == 1)
                #expect(harness.metric("duplicates") == 1)
                #expect(try await harness.deadLetterCount() == 0)
                // Each process took one of the two copies.
                #expect(first.calls.load(ordering: .relaxed) + second.calls.load(ordering: .relaxed) == 1)
            }
        }

        /// One message kills the process each time it is handled; it sits among a thousand, all
        /// prefetched together, and the process is started again after each death.
        @Test func aMessageThatKillsItsProcessEveryTimeIsDeadLetteredAloneAmongAThousand() async throws {
            let consumer = {
                var consumer = RunnerHarness.consumer(maxAttempts: 3)  // the broker's delivery limit: 5; the crash limit: 3
                consumer.prefetch = 1000
                consumer.batchSize = 50
                return consumer
            }()
            let poison = "evt_poison_0500"
            let logger = TestServers.logger
            try await RunnerHarness.run(consumer: consumer, handlers: [], keepQueues: false) { (harness) async throws -> Void in
                for n in 0..<1000 { try await harness.publish(id: n == 500 ? poison : "evt_innocent_\(n)") }
                func innocentEffects() async throws -> (rows: Int, events: Int) {
                    let rows = try await harness.database.client.query(
                        "SELECT count(*), count(DISTINCT event_id) FROM test_effects WHERE event_id LIKE 'evt_innocent_%'", logger: logger)
                    for try await (all, distinct) in rows.decode((Int, Int).self) { return (all, distinct) }
                    return (0, 0)
                }
                var deaths = 0
                for _ in 0..<8 {
                    let broker = AMQPConnection(configuration: TestServers.amqp, logger: logger)
                    let handler = KillingHandler(poison: poison, broker: broker)
                    let pool = Database(configuration: TestServers.database, logger: logger)
                    let settled = try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await broker.run() }
                        group.addTask { await pool.client.run() }
                        group.addTask {
                            try await broker.waitUntilConnected(timeout: .seconds(10))
                            try await ConsumerRunner(definition: consumer, handler: handler, connection: broker, database: pool.client,
                                                     metrics: ConsumerMetrics(consumer: consumer.name, registry: harness.registry), logger: logger).run()
                        }
                        defer { group.cancelAll() }
                        return try await eventually(timeout: .seconds(60)) {
                            if handler.killed.load(ordering: .sequentiallyConsistent) { return true }
                            let applied = try await innocentEffects().events
                            let dead = try await harness.deadLetterCount()
                            return applied == 999 && dead == 1
                        }
                    }
                    #expect(settled, "neither a death nor the end within 60 s")
                    guard handler.killed.load(ordering: .sequentiallyConsistent) else { break }
                    deaths += 1
                }
                // The first death is not counted (the message was new); then three counted ones.
                #expect(deaths == consumer.crashLimit + 1)
                #expect(try await innocentEffects() == (999, 999), "every innocent message applied once")
                let dead = try await harness.deadLetters()
                #expect(dead.map(\.id) == [poison], "only the poisoned message is dead-lettered")
                #expect(dead.first?.reason.contains("the process died while handling it 3 times") == true, "\(dead.first?.reason ?? "")")
                #expect(harness.metric("crash_dead_lettered") == 1)
            }
        }

        @Test func aCrashAfterCommitBeforeAckYieldsADuplicateNotASecondEffect() async throws {
            let consumer = RunnerHarness.consumer()
            let handler = RecordingHandler()
            try await RunnerHarness.run(consumer: consumer, handlers: [], keepQueues: true) { (harness) async throws -> Void in
                try await harness.publish(id: "evt_crash")
                // A process that commits the event's effects and dies before its ack.
                try await AMQPConnection.withConnection(configuration: TestServers.amqp, logger: harness.logger) { doomed in
                    for try await delivery in try await doomed.consume(queue: consumer.queue, prefetch: 1) {
                        let event = InboundEvent(id: delivery.properties.messageID!, routingKey: delivery.routingKey, type: nil,
                                                 body: delivery.body, attempt: 1)
                        try await harness.database.client.transaction(logger: harness.logger) { connection in
                            guard try await Inbox(connection: connection, logger: harness.logger).claim(eventID: event.id, consumer: consumer.name) else {
                                Issue.record("the first delivery of evt_crash was already in the inbox")
                                return
                            }
                            try await handler.handle(event, connection: connection, logger: harness.logger)
                        }
                        break  // no ack: the connection closes and the broker redelivers
                    }
                }
            }
            let survivor = RecordingHandler()
            try await RunnerHarness.run(consumer: consumer, handlers: [survivor], keepEffects: true) { (harness) async throws -> Void in
                #expect(try await eventually { harness.metric("duplicates") == 1 })
                #expect(try await harness.effects("evt_crash") == 1)
                #expect(survivor.calls.load(ordering: .relaxed) == 0)
            }
        }

        @Test func aFailedAttemptRollsBackItsEffectsAndItsInboxRow() async throws {
            let handler = RecordingHandler(.failFirstAttemptAfterWriting)
            try await RunnerHarness.run(consumer: RunnerHarness.consumer(), handlers: [handler]) { (harness) async throws -> Void in
                try await harness.publish(id: "evt_rollback")
                #expect(try await eventually { harness.metric("processed") == 1 })
                #expect(handler.calls.load(ordering: .relaxed) == 2)
                #expect(try await harness.effects("evt_rollback") == 1)
            }
        }

        @Test func gracefulShutdownFinishesAndAcknowledgesWhatIsInFlight() async throws {
            let consumer = RunnerHarness.consumer()
            let handler = RecordingHandler(delay: .seconds(1))
            // Declare and publish, keeping the queues for the group below.
            try await RunnerHarness.run(consumer: consumer, handlers: [], keepQueues: true) { (harness) async throws -> Void in
                for index in 0..<3 { try await harness.publish(id: "evt_drain_\(index)") }
            }
            let logger = TestServers.logger
            let connection = AMQPConnection(configuration: TestServers.amqp, logger: logger)
            let database = Database(configuration: TestServers.database, logger: logger)
            let runner = ConsumerRunner(definition: consumer, handler: handler, connection: connection, database: database.client,
                                        metrics: ConsumerMetrics(consumer: consumer.name, registry: PrometheusCollectorRegistry()),
                                        logger: logger)
            // As in `billing serve`: shut down in reverse, the runner before its connection.
            // (Listing the connection after the runner makes this test fail: the acks are lost.)
            let group = ServiceGroup(services: [database.client, connection, runner], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // All three are inside the handler (each takes a second) when shutdown starts.
                #expect(try await eventually { handler.calls.load(ordering: .relaxed) == 3 })
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            try await RunnerHarness.run(consumer: consumer, handlers: [], keepEffects: true) { (harness) async throws -> Void in
                for index in 0..<3 { #expect(try await harness.effects("evt_drain_\(index)") == 1) }
                // Acknowledged before the connection closed: nothing comes back.
                #expect(try await harness.publisher.inspectQueue(consumer.queue).messageCount == 0)
                #expect(try await harness.deadLetterCount() == 0)
            }
        }

        /// PostgreSQL stops while deliveries are inside handlers and more wait in the queue. Before,
        /// each failed attempt went to a retry queue and, the outage lasting, to the dead letters.
        @Test func aDatabaseOutageHoldsDeliveriesAndSpendsNoAttempt() async throws {
            let handler = RecordingHandler(delay: .milliseconds(300))
            try await RunnerHarness.run(consumer: RunnerHarness.consumer(maxAttempts: 2), handlers: [handler]) { (harness) async throws -> Void in
                let ids = (0..<40).map { "evt_outage_\($0)" }
                for id in ids { try await harness.publish(id: id) }
                #expect(try await eventually { handler.calls.load(ordering: .relaxed) >= 4 })
                try TestServers.postgres("stop")
                do {
                    try await Task.sleep(for: .seconds(6))
                    #expect(harness.metric("database_waits") > 0)
                    #expect(harness.metric("retried") == 0)
                    #expect(try await harness.deadLetterCount() == 0)
                } catch {
                    try TestServers.postgres("start")
                    throw error
                }
                try TestServers.postgres("start")
                #expect(try await eventually(timeout: .seconds(30)) { harness.metric("processed") + harness.metric("duplicates") >= ids.count })
                for id in ids { #expect(try await harness.effects(id) == 1, "\(id)") }
                #expect(harness.metric("retried") == 0)
                #expect(harness.metric("dead_lettered") == 0)
                #expect(try await harness.deadLetterCount() == 0)
            }
        }

        @Test func listingLeavesTheQueueAsItWasAndReplayAfterAFixProcessesEachOnce() async throws {
            let handler = RecordingHandler(.failPermanently)
            try await RunnerHarness.run(consumer: RunnerHarness.consumer(), handlers: [handler]) { (harness) async throws -> Void in
                let ids = ["evt_a", "evt_b", "evt_c"]
                for id in ids { try await harness.publish(id: id, type: id == "evt_c" ? "other.kind" : "thing.happened") }
                #expect(try await eventually { try await harness.deadLetterCount() == 3 })

                let first = try await harness.deadLetters()
                let second = try await harness.deadLetters()
                #expect(first.map(\.id).sorted() == ids)
                #expect(first == second)
                #expect(try await harness.deadLetterCount() == 3)

                let queues = DeadLetterQueues(connection: harness.publisher, consumers: [harness.consumer])
                let dryRun = try await queues.replay(harness.consumer, filter: ReplayFilter(), dryRun: true)
                #expect(dryRun.replayed.sorted() == ids)
                #expect(try await harness.deadLetterCount() == 3)

                handler.mode.withLock { $0 = .succeed }
                let one = try await queues.replay(harness.consumer, filter: ReplayFilter(ids: ["evt_b"]), dryRun: false)
                #expect(one.replayed == ["evt_b"])
                #expect(try await eventually { try await harness.effects("evt_b") == 1 })
                #expect(try await harness.deadLetterCount() == 2)

                let byType = try await queues.replay(harness.consumer, filter: ReplayFilter(type: "other.kind"), dryRun: false)
                #expect(byType.replayed == ["evt_c"])
                let rest = try await queues.replay(harness.consumer, filter: ReplayFilter(), dryRun: false)
                #expect(rest.replayed == ["evt_a"])
                #expect(try await eventually {
                    let a = try await harness.effects("evt_a")
                    let c = try await harness.effects("evt_c")
                    return a == 1 && c == 1
                })
                #expect(try await harness.deadLetterCount() == 0)
                #expect(try await queues.replay(harness.consumer, filter: ReplayFilter(), dryRun: false).replayed.isEmpty)
                // A replayed copy that reaches the consumer again is a duplicate, not a second effect.
                for id in ids { #expect(try await harness.effects(id) == 1) }
            }
        }
    }
}
