import CAMQP
import Synchronization

/// Work handed from Swift concurrency to the connection's own thread.
enum Command: Sendable {
    case publish([AMQPMessage], CheckedContinuation<Void, any Error>)
    case settle(DeliverySettler, tags: [UInt64], Settlement, CheckedContinuation<Void, any Error>)
    case consume(ConsumerRegistration, CheckedContinuation<Void, any Error>)
    case cancelConsumer(id: Int)
    /// A synchronous broker request (declare, bind, purge, get); the closure runs on the
    /// connection's thread and resumes its own continuation. `fail` is called instead when
    /// there is no connection.
    case request(run: @Sendable (LiveConnection) -> Void, fail: @Sendable (AMQPError) -> Void)

    /// Resumes whoever waits on this command with `error`, without running it.
    func fail(_ error: AMQPError) {
        switch self {
        case .publish(_, let continuation): continuation.resume(throwing: error)
        case .settle(_, _, _, let continuation): continuation.resume(throwing: error)
        case .consume(_, let continuation): continuation.resume(throwing: error)
        case .cancelConsumer: break
        case .request(_, let fail): fail(error)
        }
    }
}

/// A mailbox plus an eventfd: callers append and wake the thread only when it sleeps, so a
/// burst of publishes costs one wake-up, not one syscall each.
final class CommandQueue: Sendable {
    private struct State {
        var commands: [Command] = []
        var sleeping = false
        var shutdownRequested = false
        var closed = false
    }

    private let state = Mutex(State())
    let wakeupFD: Int32

    init() {
        wakeupFD = camqp_wakeup_create()
        precondition(wakeupFD >= 0, "eventfd failed: the process is out of file descriptors")
    }

    deinit { camqp_wakeup_close(wakeupFD) }

    /// Queues a command; fails it with `shutDown` when the connection no longer takes work.
    func enqueue(_ command: Command) {
        let accepted: Bool
        let wake: Bool
        (accepted, wake) = state.withLock { state in
            guard !state.closed else { return (false, false) }
            state.commands.append(command)
            let wake = state.sleeping
            state.sleeping = false
            return (true, wake)
        }
        guard accepted else { return command.fail(.shutDown) }
        if wake { camqp_wakeup_signal(wakeupFD) }
    }

    func drain() -> [Command] {
        state.withLock { state in
            let commands = state.commands
            state.commands.removeAll(keepingCapacity: true)
            return commands
        }
    }

    /// Marks the thread as about to sleep; false when work arrived meanwhile.
    func prepareToSleep() -> Bool {
        state.withLock { state in
            guard state.commands.isEmpty, !state.shutdownRequested else { return false }
            state.sleeping = true
            return true
        }
    }

    func awake() {
        state.withLock { $0.sleeping = false }
    }

    func requestShutdown() {
        let wake = state.withLock { state in
            state.shutdownRequested = true
            let wake = state.sleeping
            state.sleeping = false
            return wake
        }
        if wake { camqp_wakeup_signal(wakeupFD) }
    }

    var shutdownRequested: Bool { state.withLock { $0.shutdownRequested } }

    /// Takes no more commands; returns the ones still queued.
    func close() -> [Command] {
        state.withLock { state in
            state.closed = true
            let commands = state.commands
            state.commands.removeAll()
            return commands
        }
    }
}

/// Settles deliveries of one channel incarnation: after a reconnect or a channel reopen the
/// serial no longer matches, and the settlement is refused instead of acking a different
/// message that happens to have the same tag.
struct DeliverySettler: Sendable {
    let queue: CommandQueue
    let channel: UInt16
    let serial: UInt64

    func settle(_ tags: [UInt64], _ settlement: Settlement) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.enqueue(.settle(self, tags: tags, settlement, continuation))
        }
    }

    /// Whether `other` settles on the same channel incarnation of the same connection.
    func isSame(as other: DeliverySettler) -> Bool {
        queue === other.queue && channel == other.channel && serial == other.serial
    }
}

/// A consumer as the caller asked for it; it survives reconnects (the loop subscribes again).
struct ConsumerRegistration: Sendable {
    let id: Int
    let queue: String
    let prefetch: UInt16
    let deliveries: AsyncThrowingStream<AMQPDelivery, any Error>.Continuation
}
