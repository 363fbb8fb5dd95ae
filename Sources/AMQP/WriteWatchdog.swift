import CAMQP
import Synchronization

/// Bounds how long the connection's thread may spend inside librabbitmq.
///
/// librabbitmq writes (and reads the rest of a message) with no deadline of its own, so a
/// broker that stops reading — a memory or disk alarm, a frozen process, a half-open TCP
/// connection — would hold the thread, and every publish, ack and heartbeat queued behind it,
/// forever. The thread announces each step that may block, with a deadline; the watchdog task
/// of ``AMQPConnection/run()`` shuts the socket down once that deadline passes. The blocked call
/// then fails, and the loop treats the connection as lost: in-flight publishes fail (the intake
/// answers 503) and it reconnects. No library offers this for librabbitmq's blocking I/O, so it
/// is written here.
final class WriteWatchdog: Sendable {
    private struct Step {
        var fd: Int32
        var deadline: ContinuousClock.Instant
        var what: String
    }
    private let step = Mutex<Step?>(nil)
    private let lastFired = Mutex<String?>(nil)

    /// The thread is about to call into librabbitmq on socket `fd` for `what` (a publish, a
    /// frame read), which must be done by `deadline`.
    func begin(fd: Int32, deadline: ContinuousClock.Instant, what: String) {
        step.withLock { $0 = Step(fd: fd, deadline: deadline, what: what) }
    }

    /// The step is over. Call it before the socket may be closed.
    func end() {
        step.withLock { $0 = nil }
    }

    /// Shuts the socket of an overdue step down (holding the lock, so the thread cannot close
    /// the descriptor meanwhile); returns what was overdue, or nil.
    @discardableResult
    func check(now: ContinuousClock.Instant) -> String? {
        let overdue: String? = step.withLock { step in
            guard let current = step, now >= current.deadline else { return nil }
            camqp_shutdown_socket(current.fd)
            step = nil
            return current.what
        }
        if let overdue { lastFired.withLock { $0 = overdue } }
        return overdue
    }

    /// What the watchdog last cut short, for the loop's log line ("the broker stopped reading").
    func takeLastFired() -> String? {
        lastFired.withLock { value in
            defer { value = nil }
            return value
        }
    }
}
