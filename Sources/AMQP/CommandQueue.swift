import CAMQP
import Synchronization

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
