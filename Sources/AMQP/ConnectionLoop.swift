import CAMQP
import Logging
import Synchronization

/// The thread that owns the librabbitmq connection: it connects (and reconnects with
/// back-off), runs queued commands, reads frames, and resumes callers. Nothing here is touched
/// from another thread; see ``CommandQueue`` for the hand-over.
final class ConnectionLoop {
    private let configuration: AMQPConfiguration
    private let queue: CommandQueue
    private let status: ConnectionStatus
    private let watchdog: WriteWatchdog
    private var logger: Logger

    private var live: LiveConnection?
    private var confirms = ConfirmTracker<PublishWaiter>()
    private var publishChannelReady = false
    private var consumers: [Int: ConsumerState] = [:]
    private var serialBase: UInt64 = 0
    private var reconnectDelay: Duration
    private var lastReceive = ContinuousClock.now
    private let arena = CArena()
    private let clock = ContinuousClock()

    private struct ConsumerState {
        var registration: ConsumerRegistration
        var channel: UInt16?
        var tag: String
    }

    /// The header that carries a mandatory message's delivery tag, so a `basic.return` can be
    /// matched to the publish it belongs to (returns carry no tag of their own).
    static let publishTagHeader = "x-publish-tag"

    init(configuration: AMQPConfiguration, queue: CommandQueue, status: ConnectionStatus, watchdog: WriteWatchdog, logger: Logger) {
        self.configuration = configuration
        self.queue = queue
        self.status = status
        self.watchdog = watchdog
        self.logger = logger
        self.reconnectDelay = configuration.reconnectDelay.lowerBound
    }

    func run() {
        while true {
            if live == nil {
                if queue.shutdownRequested { break }
                if connect() { continue }
                failQueuedCommands(.notConnected(lastError: status.lastError))
                sleep(for: reconnectDelay)
                reconnectDelay = min(reconnectDelay * 2, configuration.reconnectDelay.upperBound)
                continue
            }
            runCommands()
            if queue.shutdownRequested, finishShutdownIfDrained() { break }
            pump()
        }
        for command in queue.close() { command.fail(.shutDown) }
        for consumer in consumers.values { consumer.registration.deliveries.finish() }
        consumers.removeAll()
        for waiter in confirms.removeAll() { waiter.resume(throwing: AMQPError.shutDown) }
        if let live {
            // A frozen broker never answers the close (librabbitmq would wait its RPC timeout,
            // 30 s): the watchdog cuts the wait, then the socket is closed all the same.
            watched("closing the connection", limit: .seconds(2)) { camqp_close(live.handle) }
            camqp_destroy(live.handle)
            self.live = nil
        }
        status.disconnected(nil)
        status.releaseWaiters()
    }

    // MARK: connecting

    private func connect() -> Bool {
        var error = [CChar](repeating: 0, count: 512)
        let handle = camqp_connect(
            configuration.host, Int32(configuration.port), configuration.useTLS ? 1 : 0,
            configuration.verifyPeer ? 1 : 0, configuration.caCertificatePath, configuration.virtualHost,
            configuration.user, configuration.password, Int32(configuration.heartbeat.components.seconds),
            Int32(configuration.connectTimeout.milliseconds), Int32(configuration.rpcTimeout.milliseconds),
            configuration.connectionName, &error, error.count)
        guard let handle else {
            let reason = String(cBuffer: error)
            if status.lastError != reason { logger.warning("AMQP connect failed", metadata: ["error": "\(reason)", "broker": "\(configuration.redactedDescription)"]) }
            status.disconnected(reason)
            return false
        }
        let connection = LiveConnection(handle: handle, queue: queue, serialBase: serialBase)
        live = connection
        publishChannelReady = false
        lastReceive = clock.now
        reconnectDelay = configuration.reconnectDelay.lowerBound
        logger.info("AMQP connected", metadata: ["broker": "\(configuration.redactedDescription)", "version": "\(connection.serverVersion)"])
        for id in consumers.keys.sorted() { subscribe(consumerID: id) }
        if live != nil { status.connected(version: connection.serverVersion) }
        return live != nil
    }

    private func connectionLost(_ reason: String) {
        guard let connection = live else { return }
        var reason = reason
        if let overdue = watchdog.takeLastFired() {
            reason = "the broker did not take our data within \(configuration.confirmTimeout) while \(overdue) (\(reason))"
        }
        logger.warning("AMQP connection lost", metadata: ["error": "\(reason)"])
        serialBase = connection.lastSerial
        watchdog.end()  // before the descriptor closes: its number may be reused at once
        camqp_destroy(connection.handle)
        live = nil
        publishChannelReady = false
        status.disconnected(reason)
        for waiter in confirms.removeAll() { waiter.resume(throwing: AMQPError.connectionLost(reason: reason)) }
        for id in consumers.keys { consumers[id]?.channel = nil }
        // What is queued would otherwise wait for the next connect, which a frozen broker holds
        // for the whole connect timeout.
        failQueuedCommands(.connectionLost(reason: reason))
    }

    /// Runs `body` (which may block inside librabbitmq) under the watchdog: if it is not done
    /// within the confirm timeout, the socket is shut down and `body`'s call fails.
    private func watched(_ what: String, limit: Duration? = nil, _ body: () -> Void) {
        guard let live else { return body() }
        watchdog.begin(fd: camqp_socket_fd(live.handle), deadline: clock.now + (limit ?? configuration.confirmTimeout), what: what)
        body()
        watchdog.end()
    }

    private func checkBroken() {
        if let reason = live?.brokenReason { connectionLost(reason) }
    }

    private func sleep(for duration: Duration) {
        guard queue.prepareToSleep() else { return }
        let mask = camqp_wait(nil, queue.wakeupFD, Int32(max(duration.milliseconds, 1)))
        queue.awake()
        if mask & Int32(CAMQP_READY_WAKEUP) != 0 { camqp_wakeup_drain(queue.wakeupFD) }
    }

    private func failQueuedCommands(_ error: AMQPError) {
        for command in queue.drain() {
            if case .cancelConsumer(let id) = command {
                cancelConsumer(id: id)
            } else {
                command.fail(error)
            }
        }
    }

    // MARK: commands

    private func runCommands() {
        let commands = queue.drain()
        for (index, command) in commands.enumerated() {
            guard let live else {
                for rest in commands[index...] { rest.fail(.notConnected(lastError: status.lastError)) }
                return
            }
            switch command {
            case .publish(let messages, let continuation):
                watched("publishing") { publish(messages, continuation, on: live) }
            case .settle(let settler, let tags, let settlement, let continuation):
                watched("acknowledging deliveries") { settle(settler, tags: tags, settlement, continuation, on: live) }
            case .consume(let registration, let continuation):
                consumers[registration.id] = ConsumerState(registration: registration, channel: nil, tag: "billing-\(registration.id)-\(registration.queue)")
                subscribe(consumerID: registration.id, continuation: continuation)
            case .cancelConsumer(let id):
                cancelConsumer(id: id)
            case .request(let run, _):
                watched("running a request", limit: max(configuration.rpcTimeout, configuration.confirmTimeout)) { run(live) }
                // A request reads the broker's reply itself, outside `pump`: that is data from
                // the broker too. Without this, a long run of requests (`billing dlq` reading
                // 20,000 letters with basic.get) looked like a silent broker after two heartbeats.
                if live.brokenReason == nil { lastReceive = clock.now }
            }
            checkBroken()
        }
    }

    private func publish(_ messages: [AMQPMessage], _ continuation: PublishWaiter, on live: LiveConnection) {
        guard !messages.isEmpty else { return continuation.resume() }
        let channel = LiveConnection.publishChannel
        if !publishChannelReady {
            do {
                try live.open(channel: channel)
                amqp_confirm_select(live.handle, channel)
                try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
                publishChannelReady = true
            } catch {
                return continuation.resume(throwing: error)
            }
        }
        let tags = confirms.register(count: messages.count, waiter: continuation, deadline: clock.now + configuration.confirmTimeout)
        var tag = tags.lowerBound
        for message in messages {
            defer { arena.reset(); tag += 1 }
            var properties = message.properties
            if message.mandatory { properties.headers[Self.publishTagHeader] = .int(Int64(tag)) }
            var cProperties = arena.properties(properties)
            let exchange = arena.bytes(message.exchange)
            let routingKey = arena.bytes(message.routingKey)
            let status = message.body.withUnsafeBytes { body in
                amqp_basic_publish(live.handle, channel, exchange, routingKey, message.mandatory ? 1 : 0, 0, &cProperties,
                                   amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress)))
            }
            do {
                try live.check(status: status)
            } catch {
                // The batch is registered: connectionLost (run by checkBroken) fails it.
                return
            }
        }
    }

    private func settle(_ settler: DeliverySettler, tags: [UInt64], _ settlement: Settlement,
                        _ continuation: CheckedContinuation<Void, any Error>, on live: LiveConnection) {
        guard live.openChannels[settler.channel] == settler.serial else {
            return continuation.resume(throwing: AMQPError.connectionLost(reason: "the channel this message came from is closed; the broker redelivers it"))
        }
        do {
            for tag in tags {
                let status: Int32
                switch settlement {
                case .ack(let multiple):
                    status = amqp_basic_ack(live.handle, settler.channel, tag, multiple ? 1 : 0)
                case .nack(let multiple, let requeue):
                    status = amqp_basic_nack(live.handle, settler.channel, tag, multiple ? 1 : 0, requeue ? 1 : 0)
                case .reject(let requeue):
                    status = amqp_basic_reject(live.handle, settler.channel, tag, requeue ? 1 : 0)
                }
                try live.check(status: status)
            }
            continuation.resume()
        } catch {
            continuation.resume(throwing: error)
        }
    }

    private func subscribe(consumerID id: Int, continuation: CheckedContinuation<Void, any Error>? = nil) {
        guard let live, let consumer = consumers[id] else { return }
        let channel = live.allocateConsumerChannel()
        do {
            try live.open(channel: channel)
            amqp_basic_qos(live.handle, channel, 0, consumer.registration.prefetch, 0)
            try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
            let queueName = arena.bytes(consumer.registration.queue)
            let tag = arena.bytes(consumer.tag)
            defer { arena.reset() }
            amqp_basic_consume(live.handle, channel, queueName, tag, 0, 0, 0, amqp_table_t(num_entries: 0, entries: nil))
            try live.check(amqp_get_rpc_reply(live.handle), channel: channel)
            consumers[id]?.channel = channel
            continuation?.resume()
        } catch {
            if live.brokenReason == nil {
                // The queue is missing or the broker refused: this consumer cannot go on.
                consumers[id] = nil
                consumer.registration.deliveries.finish(throwing: error)
            }
            continuation?.resume(throwing: error)
        }
    }

    private func cancelConsumer(id: Int) {
        guard let consumer = consumers.removeValue(forKey: id) else { return }
        consumer.registration.deliveries.finish()
        guard let live, let channel = consumer.channel else { return }
        // Stop new deliveries but keep the channel open: deliveries already handed out can
        // still be acked. Unacked ones return to the queue when the connection closes.
        let tag = arena.bytes(consumer.tag)
        defer { arena.reset() }
        amqp_basic_cancel(live.handle, channel, tag)
        do { try live.check(amqp_get_rpc_reply(live.handle), channel: channel) } catch {
            logger.debug("basic.cancel failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: reading

    /// Reads what the broker sent, or sleeps until the socket, a caller, a confirm deadline or
    /// the heartbeat needs attention.
    private func pump() {
        guard let live else { return }
        if camqp_has_buffered_frames(live.handle) != 0 {
            watched("reading from the broker") { readEvents(on: live) }
            return
        }
        var timeout = configuration.heartbeat > .zero ? configuration.heartbeat / 2 : .seconds(1)
        if configuration.heartbeat > .zero {
            // Wake when the silence would reach two heartbeats, not up to half a heartbeat
            // later: the dead peer is then noticed within two intervals of its last frame.
            let silentUntil = lastReceive + configuration.heartbeat * 2 + .milliseconds(1)
            timeout = max(min(timeout, silentUntil - clock.now), .milliseconds(1))
        }
        if let deadline = confirms.earliestDeadline {
            timeout = max(min(timeout, deadline - clock.now), .milliseconds(1))
        }
        if queue.prepareToSleep() {
            let mask = camqp_wait(live.handle, queue.wakeupFD, Int32(max(timeout.milliseconds, 1)))
            queue.awake()
            if mask & Int32(CAMQP_READY_WAKEUP) != 0 { camqp_wakeup_drain(queue.wakeupFD) }
            if mask & Int32(CAMQP_READY_SOCKET) != 0 { lastReceive = clock.now }
        }
        // Also when nothing is readable: this is where librabbitmq sends due heartbeats.
        watched("reading from the broker") { readEvents(on: live) }
        guard self.live != nil else { return }
        for settled in confirms.expire(now: clock.now) { resume(settled) }
        if configuration.heartbeat > .zero, clock.now - lastReceive > configuration.heartbeat * 2 {
            connectionLost("no data or heartbeat from the broker for \(configuration.heartbeat * 2)")
        }
    }

    private func readEvents(on live: LiveConnection) {
        var event = camqp_event()
        // Bounded so that a flood of deliveries cannot starve queued commands (acks).
        for _ in 0..<256 {
            camqp_next_event(live.handle, 0, &event)
            defer { camqp_event_release(&event) }
            switch event.kind {
            case CAMQP_EVENT_NONE:
                return
            case CAMQP_EVENT_ERROR:
                let reason = withUnsafeBytes(of: &event.error) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                connectionLost(reason)
                return
            case CAMQP_EVENT_CONNECTION_CLOSED:
                connectionLost("broker closed the connection: \(event.reply_code) \(String(amqp: event.reply_text))")
                return
            default:
                lastReceive = clock.now
                handle(event, on: live)
            }
        }
    }

    private func handle(_ event: camqp_event, on live: LiveConnection) {
        switch event.kind {
        case CAMQP_EVENT_ACK:
            for settled in confirms.acknowledged(tag: event.delivery_tag, multiple: event.multiple != 0) { resume(settled) }
        case CAMQP_EVENT_NACK:
            for settled in confirms.negativelyAcknowledged(tag: event.delivery_tag, multiple: event.multiple != 0) { resume(settled) }
        case CAMQP_EVENT_RETURN:
            let properties = AMQPProperties(amqp: event.message.properties)
            if case .int(let tag) = properties.headers[Self.publishTagHeader] {
                confirms.returned(tag: UInt64(tag), exchange: String(amqp: event.exchange),
                                  routingKey: String(amqp: event.routing_key),
                                  reason: "\(event.reply_code) \(String(amqp: event.reply_text))")
            }
        case CAMQP_EVENT_DELIVER:
            deliver(event, on: live)
        case CAMQP_EVENT_BLOCKED:
            let reason = String(amqp: event.reply_text)
            logger.warning("the broker blocked publishing on this connection", metadata: ["reason": "\(reason)"])
            status.blocked(reason.isEmpty ? "connection.blocked" : reason)
        case CAMQP_EVENT_UNBLOCKED:
            logger.notice("the broker unblocked publishing on this connection")
            status.unblocked()
        case CAMQP_EVENT_CANCEL:
            let tag = String(amqp: event.consumer_tag)
            if let (id, consumer) = consumers.first(where: { $0.value.tag == tag }) {
                consumers[id] = nil
                consumer.registration.deliveries.finish(throwing: AMQPError.channelClosed(code: 0, reason: "the broker cancelled the consumer of \(consumer.registration.queue) (queue deleted?)"))
            }
        case CAMQP_EVENT_CHANNEL_CLOSED:
            let error = AMQPError.channelClosed(code: event.reply_code, reason: String(amqp: event.reply_text))
            live.channelClosed(event.channel)
            logger.warning("AMQP channel closed by the broker", metadata: ["channel": "\(event.channel)", "error": "\(error)"])
            if event.channel == LiveConnection.publishChannel {
                publishChannelReady = false
                for waiter in confirms.removeAll() { waiter.resume(throwing: error) }
            } else if let (id, consumer) = consumers.first(where: { $0.value.channel == event.channel }) {
                consumers[id] = nil
                consumer.registration.deliveries.finish(throwing: error)
            }
        default:
            break
        }
    }

    private func deliver(_ event: camqp_event, on live: LiveConnection) {
        guard let consumer = consumers.values.first(where: { $0.channel == event.channel }),
              let settler = live.settler(for: event.channel) else {
            // A delivery for a cancelled consumer stays unacked and returns to the queue.
            return
        }
        let delivery = AMQPDelivery(
            body: [UInt8](amqp: event.message.body), exchange: String(amqp: event.exchange),
            routingKey: String(amqp: event.routing_key), redelivered: event.redelivered != 0,
            deliveryTag: event.delivery_tag, properties: AMQPProperties(received: event.message.properties),
            settler: settler)
        consumer.registration.deliveries.yield(delivery)
    }

    private func resume(_ settled: ConfirmTracker<PublishWaiter>.Settled) {
        switch settled.failure {
        case nil: settled.waiter.resume()
        case .nacked: settled.waiter.resume(throwing: AMQPError.nacked)
        case .returned(let exchange, let routingKey, let reason):
            settled.waiter.resume(throwing: AMQPError.unroutable(exchange: exchange, routingKey: routingKey, reason: reason))
        case .timedOut: settled.waiter.resume(throwing: AMQPError.confirmTimeout(after: configuration.confirmTimeout))
        }
    }

    // MARK: shutdown

    /// During shutdown: true once queued work ran and every publish is settled (or timed out).
    private func finishShutdownIfDrained() -> Bool {
        confirms.pendingBatchCount == 0
    }
}
