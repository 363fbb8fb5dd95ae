import AMQP
import Foundation
import Messages

/// List, inspect, replay and purge the consumers' dead-letter queues without losing a message.
///
/// Reading takes each message with `basic.get` and keeps it unacknowledged, then returns them
/// all with one `nack(multiple, requeue)`: the queue ends as it was (the dead-letter queues
/// have no delivery limit, so this can never drop one). If the tool dies half-way, the broker
/// returns them when the connection closes. Replay publishes a copy to the consumer's own queue
/// and acks the dead-letter copy only after the broker confirmed the new one: a replay killed
/// half-way leaves at most a duplicate, which the consumer's inbox absorbs.
public struct DeadLetterQueues: Sendable {
    let connection: AMQPConnection
    let consumers: [ConsumerDefinition]
    /// The clock of the `x-replayed-at` stamp.
    let now: @Sendable () -> Date

    /// The dead-letter queues of `consumers`, reached over `connection`. `now` is replaced only by tests.
    public init(connection: AMQPConnection, consumers: [ConsumerDefinition], now: @escaping @Sendable () -> Date = { Date() }) {
        self.connection = connection
        self.consumers = consumers
        self.now = now
    }

    /// Every dead letter of `consumer`, left in place. Holds them all: for a queue of any size
    /// use ``forEach(_:_:)``.
    public func list(_ consumer: ConsumerDefinition) async throws -> [DeadLetter] {
        var letters: [DeadLetter] = []
        try await forEach(consumer) { letters.append($0) }
        return letters
    }

    /// Hands each dead letter of `consumer` to `body` as it is read, keeping none, and leaves
    /// them all in place; returns how many there were. Memory stays flat whatever the queue's
    /// length (the broker holds the messages, this process one delivery tag at a time).
    @discardableResult
    public func forEach(_ consumer: ConsumerDefinition, _ body: (DeadLetter) async throws -> Void) async throws -> Int {
        try await withEveryMessage(of: consumer) { delivery in
            try await body(DeadLetter(consumer: consumer.name, delivery: delivery))
            return (false, keep: true)
        }.examined
    }

    /// Replays the matching dead letters of `consumer` to its queue with attempts reset, one at a
    /// time (each acked only after its copy is confirmed), telling `replayedOne` each id as it
    /// goes. With `dryRun`, only says which it would replay.
    public func replay(_ consumer: ConsumerDefinition, filter: ReplayFilter, dryRun: Bool,
                       progress: @Sendable (Int, Int) -> Void = { _, _ in },
                       replayedOne: (String) -> Void = { _ in }) async throws -> ReplayResult {
        var replayed: [String] = []
        var replayedCount = 0
        var examined = 0
        let total = try await connection.inspectQueue(consumer.deadLetterQueue).messageCount
        let outcome = try await withEveryMessage(of: consumer) { delivery in
            examined += 1
            if examined % 1000 == 0 { progress(examined, Int(total)) }
            guard filter.matches(delivery), replayedCount < (filter.limit ?? .max) else { return (false, keep: true) }
            let id = delivery.properties.messageID ?? "(no message id)"
            if !dryRun {
                try await connection.publish(replayCopy(of: delivery, to: consumer))
                try await delivery.ack()
            }
            replayedCount += 1
            if replayed.count < ReplayResult.keptIDs { replayed.append(id) }
            replayedOne(id)
            return (true, keep: dryRun)
        }
        return ReplayResult(consumer: consumer.name, examined: outcome.examined, replayed: replayed, replayedCount: replayedCount,
                            kept: outcome.kept)
    }

    /// Deletes every dead letter of `consumer`; returns how many.
    public func purge(_ consumer: ConsumerDefinition) async throws -> UInt32 {
        try await connection.purgeQueue(consumer.deadLetterQueue)
    }

    /// The message replay publishes: same body and properties, the failure bookkeeping
    /// cleared, a `x-replayed-at` stamp, and the original routing key kept for the consumer.
    func replayCopy(of delivery: AMQPDelivery, to consumer: ConsumerDefinition) -> AMQPMessage {
        var properties = delivery.properties
        let letter = DeadLetter(consumer: consumer.name, delivery: delivery)
        for header in [MessageHeader.attempt, MessageHeader.lastError, MessageHeader.firstFailedAt, MessageHeader.deadLetteredAt,
                       MessageHeader.consumer, "x-death", "x-first-death-exchange",
                       "x-first-death-queue", "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue",
                       "x-last-death-reason", "x-delivery-count"] {
            properties.headers[header] = nil
        }
        properties.headers[MessageHeader.originalRoutingKey] = .string(letter.originalRoutingKey)
        properties.headers[MessageHeader.replayedAt] = .timestamp(UInt64(max(now().timeIntervalSince1970, 0)))
        properties.persistent = true
        return AMQPMessage(exchange: "", routingKey: consumer.queue, body: delivery.body, properties: properties, mandatory: true)
    }

    /// Takes every message present when it starts, one at a time, and puts back all those
    /// `body` keeps (and, if anything throws, all that were not settled yet). Keeps only counts
    /// and the last kept delivery's tag, so any number of messages takes the same memory.
    private func withEveryMessage(of consumer: ConsumerDefinition,
                                  _ body: (AMQPDelivery) async throws -> (Bool, keep: Bool)) async throws -> (examined: Int, kept: Int) {
        let queue = consumer.deadLetterQueue
        let count = try await connection.inspectQueue(queue).messageCount
        var examined = 0
        var lastKept: AMQPDelivery?
        var kept = 0
        do {
            while examined < count, let delivery = try await connection.get(queue: queue) {
                let (_, keep) = try await body(delivery)
                examined += 1
                if keep {
                    lastKept = delivery
                    kept += 1
                }
            }
        } catch {
            try? await lastKept?.nack(multiple: true, requeue: true)
            throw error
        }
        try await lastKept?.nack(multiple: true, requeue: true)
        try await waitUntilReady(queue, atLeast: kept)
        return (examined, kept)
    }

    /// A quorum queue takes requeued messages back asynchronously; the next command (another
    /// listing, a purge) must see them, so wait until they are ready again.
    private func waitUntilReady(_ queue: String, atLeast count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await connection.inspectQueue(queue).messageCount < count {
            guard ContinuousClock.now < deadline else {
                throw AMQPError.requestFailed(reason: "\(queue): returned messages are not ready yet; they are not lost, list again")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
