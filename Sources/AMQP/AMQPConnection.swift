import CAMQP
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A connection to RabbitMQ over librabbitmq.
///
/// One dedicated thread owns the socket and does all its I/O; async callers hand it work and
/// are resumed through continuations, so no Swift concurrency thread ever blocks on the broker.
/// The connection reconnects with back-off after the broker goes away; while it is down,
/// ``publish(_:)`` fails at once with ``AMQPError/notConnected(lastError:)``.
///
/// Run it as a `Service` (``run()``) in a `ServiceGroup`, or scope it with
/// ``withConnection(configuration:logger:_:)``.
public final class AMQPConnection: Service, Sendable {
    let configuration: AMQPConfiguration
    private let logger: Logger
    private let queue = CommandQueue()
    private let status = ConnectionStatus()
    private let watchdog = WriteWatchdog()
    private let publishWaiters = PublishWaiters()
    private let nextConsumerID = Atomic<Int>(0)
    /// Messages handed to the thread and not yet confirmed or failed.
    private let inFlight = Atomic<Int>(0)

    /// A connection to the broker `configuration` names. It does nothing until ``run()`` starts it.
    public init(configuration: AMQPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the connection's thread until graceful shutdown or cancellation. On the way out it
    /// runs queued work, waits for outstanding confirms (at most the confirm timeout), closes
    /// the connection and fails later requests with ``AMQPError/shutDown``.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withTaskGroup(of: Void.self) { group in
                    // Checks the thread's blocking steps against their deadlines (see WriteWatchdog).
                    // and fails publishes whose confirm is overdue (see PublishWaiters).
                    let watchdog = self.watchdog
                    let publishWaiters = self.publishWaiters
                    let timeout = configuration.confirmTimeout
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .milliseconds(100))
                            watchdog.check(now: .now)
                            publishWaiters.expire(now: .now, timeout: timeout)
                        }
                    }
                    await self.runThread()
                    group.cancelAll()
                }
            } onCancel: {
                queue.requestShutdown()
            }
        } onGracefulShutdown: {
            self.queue.requestShutdown()
        }
    }

    /// Runs the connection's loop on its own thread; returns when the loop ends.
    private func runThread() async {
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            let configuration = self.configuration
            let queue = self.queue
            let status = self.status
            let watchdog = self.watchdog
            let logger = self.logger
            let ioThread = Thread {
                ConnectionLoop(configuration: configuration, queue: queue, status: status, watchdog: watchdog, logger: logger).run()
                finished.resume()
            }
            ioThread.name = "amqp-\(configuration.host):\(configuration.port)"
            ioThread.start()
        }
    }

    /// Stops the connection as graceful shutdown would.
    package func shutdown() {
        queue.requestShutdown()
    }

    /// Runs `body` with a connected connection, then shuts it down.
    /// Throws ``AMQPError/notConnected(lastError:)`` when the broker cannot be reached within
    /// the connect timeout.
    @discardableResult
    public static func withConnection<Result: Sendable>(
        configuration: AMQPConfiguration, logger: Logger,
        _ body: (AMQPConnection) async throws -> Result
    ) async throws -> Result {
        let connection = AMQPConnection(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await connection.run() }
            defer { connection.shutdown() }
            try await connection.waitUntilConnected(timeout: configuration.connectTimeout)
            let result = try await body(connection)
            connection.shutdown()
            try await group.waitForAll()
            return result
        }
    }

    /// Whether the connection is up right now.
    public var isConnected: Bool { status.isConnected }

    /// Why the broker blocks publishing on this connection (a memory or disk alarm), while it
    /// does; nil otherwise. Publishes fail at once with ``AMQPError/blocked(reason:)`` meanwhile.
    public var blockedReason: String? { status.blockedReason }

    /// The broker's version (e.g. "3.10.8"), once connected.
    public var serverVersion: String? { status.serverVersion }

    /// Waits until connected; throws ``AMQPError/notConnected(lastError:)`` after `timeout`.
    public func waitUntilConnected(timeout: Duration) async throws {
        if status.isConnected { return }
        let connected = await withTaskGroup(of: Bool.self) { group in
            group.addTask { [status] in
                // Woken also when another caller gives up waiting: wait again until cancelled.
                while !Task.isCancelled {
                    await status.waitForConnection()
                    if status.isConnected { return true }
                }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            status.releaseWaiters()
            return first
        }
        guard connected else { throw AMQPError.notConnected(lastError: status.lastError) }
    }

    // MARK: publishing

    /// Publishes one message and returns once the broker confirmed it (persisted it, for a
    /// persistent message to a durable queue).
    ///
    /// Throws ``AMQPError/nacked``, ``AMQPError/unroutable(exchange:routingKey:reason:)``,
    /// ``AMQPError/connectionLost(_:)``, ``AMQPError/confirmTimeout(_:)``,
    /// ``AMQPError/channelClosed(code:reason:)`` (e.g. unknown exchange), or at once
    /// ``AMQPError/notConnected(lastError:)`` while the broker is down.
    public func publish(_ message: AMQPMessage) async throws {
        try await publish([message])
    }

    /// Publishes messages in order and returns once the broker confirmed all of them; fails
    /// if any one is refused. Many concurrent callers share one channel and one stream of
    /// (multiple) acks: there is no round trip per message.
    ///
    /// Fails at once, sending nothing, with ``AMQPError/blocked(reason:)`` while the broker blocks
    /// this connection, and with ``AMQPError/overloaded(limit:)`` when more than
    /// ``AMQPConfiguration/maxInFlightPublishes`` messages would wait for confirms.
    public func publish(_ messages: [AMQPMessage]) async throws {
        guard status.isConnected else { throw AMQPError.notConnected(lastError: status.lastError) }
        if let reason = status.blockedReason { throw AMQPError.blocked(reason: reason) }
        let limit = configuration.maxInFlightPublishes
        // A batch larger than the limit may go only when nothing else is in flight.
        guard inFlight.add(messages.count, ordering: .relaxed).newValue <= max(limit, messages.count) else {
            inFlight.subtract(messages.count, ordering: .relaxed)
            throw AMQPError.overloaded(limit: limit)
        }
        defer { inFlight.subtract(messages.count, ordering: .relaxed) }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.enqueue(.publish(messages, publishWaiters.register(continuation, timeout: configuration.confirmTimeout)))
        }
    }

    // MARK: consuming

    /// Subscribes to `queue` with at most `prefetch` unacknowledged deliveries at a time.
    ///
    /// The sequence survives reconnects (the subscription is made again; deliveries not acked
    /// before the drop come back from the broker, marked redelivered). It ends when the task
    /// iterating it stops, with an error when the queue is deleted or the subscription is
    /// refused, and normally at shutdown.
    public func consume(queue name: String, prefetch: UInt16) async throws -> AsyncThrowingStream<AMQPDelivery, any Error> {
        let id = nextConsumerID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncThrowingStream<AMQPDelivery, any Error>.makeStream()
        let registration = ConsumerRegistration(id: id, queue: name, prefetch: prefetch, deliveries: continuation)
        let queue = self.queue
        continuation.onTermination = { _ in queue.enqueue(.cancelConsumer(id: id)) }
        guard status.isConnected else { throw AMQPError.notConnected(lastError: status.lastError) }
        try await withCheckedThrowingContinuation { (subscribed: CheckedContinuation<Void, any Error>) in
            queue.enqueue(.consume(registration, subscribed))
        }
        return stream
    }

    // MARK: synchronous requests

    /// Runs `body` on the connection's thread, with the request channel open.
    func request<T: Sendable>(_ body: @escaping @Sendable (LiveConnection, UInt16, CArena) throws(AMQPError) -> T) async throws -> T {
        guard status.isConnected else { throw AMQPError.notConnected(lastError: status.lastError) }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            queue.enqueue(.request(run: { live in
                let arena = CArena()
                do {
                    try live.open(channel: LiveConnection.requestChannel)
                    continuation.resume(returning: try body(live, LiveConnection.requestChannel, arena))
                } catch {
                    continuation.resume(throwing: error)
                }
            }, fail: { continuation.resume(throwing: $0) }))
        }
    }
}

extension AMQPConnection {
    /// Declares an exchange (idempotent when the arguments match).
    public func declareExchange(_ name: String, type: String, durable: Bool = true) async throws {
        try await request { live, channel, arena throws(AMQPError) in
            amqp_exchange_declare(live.handle, channel, arena.bytes(name), arena.bytes(type), 0, durable ? 1 : 0, 0, 0,
                                  amqp_table_t(num_entries: 0, entries: nil))
            try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
        }
    }

    /// Declares a queue. A queue that exists with other arguments fails with
    /// ``AMQPError/channelClosed(code:reason:)`` code 406, whose reason names the argument.
    @discardableResult
    public func declareQueue(_ name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
                             arguments: [String: AMQPFieldValue] = [:]) async throws -> AMQPQueueState {
        try await request { live, channel, arena throws(AMQPError) in
            let ok = amqp_queue_declare(live.handle, channel, arena.bytes(name), 0, durable ? 1 : 0, exclusive ? 1 : 0,
                                        autoDelete ? 1 : 0, arena.table(arguments))
            try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
            guard let ok else { throw AMQPError.requestFailed(reason: "queue.declare returned no reply") }
            return AMQPQueueState(name: String(amqp: ok.pointee.queue), messageCount: ok.pointee.message_count,
                                  consumerCount: ok.pointee.consumer_count)
        }
    }

    /// The counts of an existing queue (a passive declare); ``AMQPError/channelClosed(code:reason:)``
    /// with code 404 when it does not exist.
    public func inspectQueue(_ name: String) async throws -> AMQPQueueState {
        try await request { live, channel, arena throws(AMQPError) in
            let ok = amqp_queue_declare(live.handle, channel, arena.bytes(name), 1, 0, 0, 0, amqp_table_t(num_entries: 0, entries: nil))
            try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
            guard let ok else { throw AMQPError.requestFailed(reason: "queue.declare returned no reply") }
            return AMQPQueueState(name: name, messageCount: ok.pointee.message_count, consumerCount: ok.pointee.consumer_count)
        }
    }

    /// Binds `queue` to `exchange` for messages whose routing key matches `routingKey` (a topic pattern for a topic
    /// exchange); binding again is a no-op.
    public func bindQueue(_ queue: String, exchange: String, routingKey: String) async throws {
        try await request { live, channel, arena throws(AMQPError) in
            amqp_queue_bind(live.handle, channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey),
                            amqp_table_t(num_entries: 0, entries: nil))
            try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
        }
    }

    /// Removes every ready message; returns how many.
    @discardableResult
    public func purgeQueue(_ name: String) async throws -> UInt32 {
        try await request { live, channel, arena throws(AMQPError) in
            let ok = amqp_queue_purge(live.handle, channel, arena.bytes(name))
            try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
            return ok?.pointee.message_count ?? 0
        }
    }

    /// Deletes a queue and the messages in it. Only tests and benchmarks remove queues (the topology never does).
    package func deleteQueue(_ name: String) async throws {
        try await request { live, channel, arena throws(AMQPError) in
            amqp_queue_delete(live.handle, channel, arena.bytes(name), 0, 0)
            try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
        }
    }

    /// Only the tests remove exchanges (the topology never does), so this is not public.
    func deleteExchange(_ name: String) async throws {
        try await request { live, channel, arena throws(AMQPError) in
            amqp_exchange_delete(live.handle, channel, arena.bytes(name), 0)
            try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
        }
    }

    /// Takes one message (`basic.get`, manual ack) or nil when the queue is empty. Settle it;
    /// if the connection closes first, the broker puts it back.
    public func get(queue name: String) async throws -> AMQPDelivery? {
        try await request { live, channel, arena throws(AMQPError) in
            let reply = amqp_basic_get(live.handle, channel, arena.bytes(name), 0)
            try live.check(reply, channel: channel)
            guard reply.reply.id == AMQP_BASIC_GET_OK_METHOD, let ok = reply.reply.decoded?.assumingMemoryBound(to: amqp_basic_get_ok_t.self) else {
                return nil
            }
            let tag = ok.pointee.delivery_tag
            let redelivered = ok.pointee.redelivered != 0
            let exchange = String(amqp: ok.pointee.exchange)
            let routingKey = String(amqp: ok.pointee.routing_key)
            var message = amqp_message_t()
            try live.check(amqp_read_message(live.handle, channel, &message, 0), channel: channel)
            defer { amqp_destroy_message(&message) }
            return AMQPDelivery(body: [UInt8](amqp: message.body), exchange: exchange, routingKey: routingKey,
                                redelivered: redelivered, deliveryTag: tag, properties: AMQPProperties(received: message.properties),
                                settler: live.settler(for: channel))
        }
    }
}
