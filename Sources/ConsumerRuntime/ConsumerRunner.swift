import AMQP
import Foundation
import Logging
import Messages
import PostgresNIO
import ServiceLifecycle
import Storage

/// Runs one consumer: takes deliveries from its queue (prefetch and concurrency from its
/// file), hands each to the handler inside an inbox transaction, and carries out the
/// ``DeliveryDecision``: ack; or publish to the retry or dead-letter queue, wait for the
/// broker's confirm, then ack the original — so a crash in between yields at most a duplicate,
/// which the inbox absorbs.
///
/// On graceful shutdown it stops taking deliveries, finishes and acknowledges those in flight,
/// and returns.
public struct ConsumerRunner: Service {
    let definition: ConsumerDefinition
    let handler: any EventHandler
    let connection: AMQPConnection
    /// Where retries and dead letters are published: a connection of their own, so that a
    /// broker blocking publishers (a memory or disk alarm) never stops this consumer's acks.
    let forwarder: AMQPConnection
    let database: PostgresClient
    let metrics: ConsumerMetrics
    let logger: Logger
    /// The clock of the failure headers (`x-first-failed-at`, `x-dead-lettered-at`).
    let now: @Sendable () -> Date
    /// Makes the handler's calls to Stripe after its transactions commit (a ``PendingCallHandler``'s).
    let calls: PendingCallExecutor?

    /// A runner of `definition`'s consumer: deliveries from `connection`, `handler` applying them, the inbox in
    /// `database`, retries and dead letters published on `forwarder` (by default `connection`; give another
    /// connection in production). A ``PendingCallHandler``'s calls are each this process's for `callLease`
    /// (`BILLING_PENDING_CALL_LEASE_MS`). `now` is replaced only by tests.
    public init(definition: ConsumerDefinition, handler: any EventHandler, connection: AMQPConnection, forwarder: AMQPConnection? = nil,
                database: PostgresClient, metrics: ConsumerMetrics, logger: Logger, callLease: Duration = .seconds(120),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.definition = definition
        self.handler = handler
        self.connection = connection
        self.forwarder = forwarder ?? connection
        self.database = database
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "consumer"] = "\(definition.name)"
        self.logger = logger
        self.now = now
        calls = (handler as? any PendingCallHandler).map {
            PendingCallExecutor(handler: $0, definition: definition, database: database, lease: callLease, metrics: metrics, logger: logger)
        }
    }

    /// Consumes until graceful shutdown, subscribing again after the broker goes away; for a
    /// ``PendingCallHandler``, sweeps its pending calls meanwhile.
    public func run() async throws {
        guard let calls else { return try await consumeUntilShutdown() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await calls.sweepUntilShutdown() }
            group.addTask { try await consumeUntilShutdown() }
            try await group.waitForAll()
        }
    }

    private func consumeUntilShutdown() async throws {
        // Subscribing fails while the broker is down: keep trying until it is up or we stop.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let deliveries: AsyncThrowingStream<AMQPDelivery, any Error>
            do {
                // At start the connection (another service) may not be up yet: wait quietly.
                try await connection.waitUntilConnected(timeout: .seconds(10))
                deliveries = try await connection.consume(queue: definition.queue, prefetch: definition.prefetch)
            } catch {
                logger.warning("cannot subscribe; retrying", metadata: ["queue": "\(definition.queue)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            logger.info("consuming", metadata: ["queue": "\(definition.queue)", "prefetch": "\(definition.prefetch)",
                                                "concurrency": "\(definition.concurrency)"])
            do {
                try await consume(deliveries)
                return  // the stream ended: shutdown
            } catch {
                logger.warning("consumer stopped; subscribing again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func consume(_ deliveries: AsyncThrowingStream<AMQPDelivery, any Error>) async throws {
        // One buffer per worker; a delivery's partition key picks the buffer, so one
        // customer's events stay with one worker, in order, and concurrent batches do not
        // wait on each other's locks.
        let buffers = (0..<definition.concurrency).map { _ in DeliveryBuffer<AMQPDelivery>() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var failure: (any Error)?
                do {
                    for try await delivery in deliveries.cancelOnGracefulShutdown() {
                        buffers[Self.partition(of: delivery, among: buffers.count)].append(delivery)
                    }
                } catch {
                    failure = error
                }
                for buffer in buffers { buffer.finish(throwing: failure) }
            }
            for buffer in buffers {
                group.addTask {
                    // Deliveries already taken are finished and acknowledged before returning.
                    while let batch = try await buffer.next(limit: definition.batchSize) {
                        await process(batch: batch)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The worker for a delivery: by its partition key (`x-partition-key`, else the tenant),
    /// else by its event id.
    static func partition(of delivery: AMQPDelivery, among count: Int) -> Int {
        let headers = delivery.properties.headers
        let key = headers[MessageHeader.partitionKey]?.stringValue ?? headers[MessageHeader.tenantID]?.stringValue
            ?? delivery.properties.messageID ?? ""
        var hasher = Hasher()
        hasher.combine(key)
        return Int(UInt(bitPattern: hasher.finalize()) % UInt(count))
    }

    /// Handles deliveries in one transaction and settles each. When the batch fails, each
    /// delivery is handled on its own, so the failure lands on the event that caused it.
    func process(batch deliveries: [AMQPDelivery]) async {
        var deliveries = deliveries
        if deliveries.contains(where: \.redelivered) {
            // Returned by the broker: each handled alone, before the rest (they came first).
            for suspect in deliveries where suspect.redelivered { await processSuspect(suspect) }
            deliveries.removeAll(where: \.redelivered)
        }
        guard deliveries.count > 1, !(handler is any OutboxEventHandler) else {
            for delivery in deliveries { await process(delivery) }
            return
        }
        var events: [InboundEvent] = []
        var withEvents: [AMQPDelivery] = []
        for delivery in deliveries {
            guard let id = delivery.properties.messageID, !id.isEmpty else {
                await process(delivery)  // settles it as a permanent failure
                continue
            }
            events.append(InboundEvent(id: id, routingKey: EventHeaders.originalRoutingKey(of: delivery), type: delivery.properties.type,
                                       body: delivery.body, attempt: EventHeaders.attempt(of: delivery), properties: delivery.properties,
                                       consumer: definition.name))
            withEvents.append(delivery)
        }
        guard !events.isEmpty else { return }
        while true {
            let clock = ContinuousClock()
            let started = clock.now
            do {
                let new = try await database.transaction(logger: logger) { connection in
                    let new = try await Inbox(connection: connection, logger: logger).claim(eventIDs: events.map(\.id), consumer: definition.name)
                    // An event delivered twice in one batch is applied once.
                    var taken = Set<String>()
                    let batch = events.filter { new.contains($0.id) && taken.insert($0.id).inserted }
                    if !batch.isEmpty { try await handler.handle(batch: batch, connection: connection, logger: logger) }
                    return new
                }
                // Committed: now the calls it decided, with no row locked.
                await calls?.runAdded(eventIDs: Array(new))
                metrics.latency.record(clock.now - started)
                metrics.processed.increment(by: Int64(new.count))
                metrics.duplicates.increment(by: Int64(events.count - new.count))
                break
            } catch where FailureClassifier.classify(error) == .databaseUnavailable {
                logger.warning("database unavailable; holding the batch", metadata: [
                    "events": "\(events.count)", "error": "\(FailureClassifier.describe(error))"])
                guard await waitForDatabase() else { return await giveBack(withEvents) }
            } catch {
                logger.info("batch failed; handling its events one by one", metadata: [
                    "events": "\(events.count)", "error": "\(FailureClassifier.describe(error))"])
                for delivery in withEvents { await process(delivery) }
                return
            }
        }
        do {
            try await AMQPDelivery.ack(withEvents)
        } catch {
            logger.warning("acks not delivered; the broker will redeliver those events", metadata: ["error": "\(error)"])
        }
    }

    /// A delivery the broker returned (its process died or its connection dropped while it held
    /// it): handled alone in this process (``SuspectGate``), after a start is counted and
    /// committed, so a message that kills the process each time is dead-lettered by its own
    /// count after ``ConsumerDefinition/crashLimit`` crashes, and the innocent messages that
    /// were prefetched with it are never blamed.
    func processSuspect(_ delivery: AMQPDelivery) async {
        await SuspectGate.processWide.alone {
            guard let id = delivery.properties.messageID, !id.isEmpty else { return await process(delivery) }
            let starts: Int?
            do {
                starts = try await DeliveryStartStore.withConnection(on: database, logger: logger) {
                    try await $0.start(consumer: definition.name, eventID: id)
                }
            } catch {
                // Not counted (the database is away): the broker's delivery limit stays the backstop.
                logger.warning("could not count the start of a redelivered event", metadata: [
                    "event": "\(id)", "error": "\(FailureClassifier.describe(error))"])
                starts = nil
            }
            if let starts, let decision = DeliveryDecision.decide(starts: starts, consumer: definition) {
                metrics.crashes.increment()
                await execute(decision, for: delivery)
            } else {
                await process(delivery)
            }
            guard starts != nil else { return }
            do {
                try await DeliveryStartStore.withConnection(on: database, logger: logger) {
                    try await $0.clear(consumer: definition.name, eventID: id)
                }
            } catch {
                // A count left behind only continues if this event id is ever redelivered again.
                logger.debug("could not clear a start count", metadata: ["event": "\(id)", "error": "\(FailureClassifier.describe(error))"])
            }
        }
    }

    /// Handles one delivery and settles it. Never throws: every failure becomes a decision.
    func process(_ delivery: AMQPDelivery) async {
        let attempt = EventHeaders.attempt(of: delivery)
        while true {
            let clock = ContinuousClock()
            let started = clock.now
            let outcome = await handle(delivery, attempt: attempt)
            metrics.latency.record(clock.now - started)
            let decision = DeliveryDecision.decide(outcome, attempt: attempt, consumer: definition)
            guard decision == .waitForDatabase else { return await execute(decision, for: delivery) }
            guard await waitForDatabase() else { return await giveBack([delivery]) }
        }
    }

    /// Waits until the database answers a probe (each bounded by a second, one a second), so that
    /// an outage holds the deliveries this worker has, and the prefetch stops the broker from
    /// sending more, instead of burning their attempts. False when shutdown came first.
    func waitForDatabase() async -> Bool {
        metrics.databaseWaits.increment()
        let clock = ContinuousClock()
        let started = clock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if await database.isReachable(logger: logger, timeout: .seconds(1)) {
                logger.info("database answers again; resuming", metadata: ["waited": "\(clock.now - started)"])
                return true
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
        return false
    }

    /// Returns deliveries unsettled to the queue (shutdown came while the database was away);
    /// another consumer, or this one after a restart, takes them.
    func giveBack(_ deliveries: [AMQPDelivery]) async {
        for delivery in deliveries {
            // A nack that fails means the channel is gone, and the broker returns it anyway.
            try? await delivery.nack(requeue: true)
        }
    }

    func handle(_ delivery: AMQPDelivery, attempt: Int) async -> HandlingOutcome {
        guard let id = delivery.properties.messageID, !id.isEmpty else {
            return .failed(.permanent, message: "the message has no message_id, so it has no event id")
        }
        let event = InboundEvent(id: id, routingKey: EventHeaders.originalRoutingKey(of: delivery), type: delivery.properties.type,
                                 body: delivery.body, attempt: attempt, properties: delivery.properties, consumer: definition.name)
        do {
            let applied: Bool
            if let outbox = handler as? any OutboxEventHandler {
                applied = try await outbox.handle(event, logger: logger)
            } else {
                applied = try await database.transaction(logger: logger) { connection in
                    guard try await Inbox(connection: connection, logger: logger).claim(eventID: id, consumer: definition.name) else { return false }
                    try await handler.handle(event, connection: connection, logger: logger)
                    return true
                }
            }
            if applied {
                await calls?.runAdded(eventIDs: [id])  // committed: the calls it decided
                metrics.processed.increment()
            } else {
                metrics.duplicates.increment()
                logger.debug("duplicate event acknowledged", metadata: ["event": "\(id)"])
            }
            return applied ? .processed : .duplicate
        } catch {
            let kind = FailureClassifier.classify(error)
            let message = FailureClassifier.describe(error)
            logger.warning("handler failed", metadata: ["event": "\(id)", "attempt": "\(attempt)", "kind": "\(kind)", "error": "\(message)"])
            return .failed(kind, message: message)
        }
    }

    func execute(_ decision: DeliveryDecision, for delivery: AMQPDelivery) async {
        do {
            switch decision {
            case .ack:
                break
            case .waitForDatabase:
                return  // handled by `process`, which holds the delivery
            case .retry(let queue, let nextAttempt, _, let error):
                try await forwarder.publish(EventHeaders.forward(delivery, to: queue, attempt: nextAttempt, error: error,
                                                                  consumer: definition.name, now: now(), deadLettered: false))
                metrics.retried.increment()
            case .deadLetter(let queue, let attempts, let error):
                try await forwarder.publish(EventHeaders.forward(delivery, to: queue, attempt: attempts, error: error,
                                                                  consumer: definition.name, now: now(), deadLettered: true))
                metrics.deadLettered.increment()
                logger.error("event dead-lettered", metadata: ["event": "\(delivery.properties.messageID ?? "?")", "error": "\(error)"])
            }
        } catch {
            // The copy was not confirmed: keep the original. It comes back (now, or after a
            // reconnect), and the broker's delivery limit stops an endless loop.
            logger.warning("could not forward the event; it will be redelivered", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: .milliseconds(500))
            try? await delivery.nack(requeue: true)
            return
        }
        do {
            try await delivery.ack()
        } catch {
            logger.warning("ack not delivered; the broker will redeliver the event", metadata: ["error": "\(error)"])
        }
    }
}
