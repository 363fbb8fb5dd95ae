import Synchronization

/// The callers waiting for their publishes' confirms, each with a deadline that the
/// connection's thread cannot hold up.
///
/// The thread resumes a waiter when the broker confirms, and fails it at the confirm timeout;
/// but a thread that is itself stuck (connecting to a frozen broker, tearing a connection down,
/// inside a write the watchdog has not cut yet) resumes nobody. The watchdog task of
/// ``AMQPConnection/run()`` therefore also fails every waiter whose deadline has passed, so that
/// no publish waits longer than the confirm timeout (plus one watchdog tick) whatever the thread
/// does. Whichever comes first resumes the caller; the other finds the waiter gone.
final class PublishWaiters: Sendable {
    private struct Entry {
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }
    private let entries = Mutex<[UInt64: Entry]>([:])
    private let nextID = Atomic<UInt64>(0)

    /// Registers `continuation`, to be failed with `AMQPError.confirmTimeout(after: timeout)` if
    /// nothing resumes it by `now + timeout + grace`.
    func register(_ continuation: CheckedContinuation<Void, any Error>, timeout: Duration) -> PublishWaiter {
        let id = nextID.add(1, ordering: .relaxed).newValue
        entries.withLock { $0[id] = Entry(deadline: .now + timeout + Self.grace, continuation: continuation) }
        return PublishWaiter(id: id, waiters: self, timeout: timeout)
    }

    /// How much later than the thread's own confirm deadline the backstop fires: the thread's
    /// answer (a confirm that was on its way, or its precise error) wins when it is alive.
    static let grace: Duration = .milliseconds(200)

    fileprivate func take(_ id: UInt64) -> CheckedContinuation<Void, any Error>? {
        entries.withLock { $0.removeValue(forKey: id)?.continuation }
    }

    /// Fails every waiter whose deadline is before `now`; returns how many.
    @discardableResult
    func expire(now: ContinuousClock.Instant, timeout: Duration) -> Int {
        let overdue = entries.withLock { entries in
            let ids = entries.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { entries.removeValue(forKey: $0)?.continuation }
        }
        for continuation in overdue { continuation.resume(throwing: AMQPError.confirmTimeout(after: timeout)) }
        return overdue.count
    }
}

/// One caller waiting for the confirm of its publish (see ``PublishWaiters``). Resuming it twice,
/// or after its deadline failed it, does nothing.
struct PublishWaiter: Sendable {
    let id: UInt64
    let waiters: PublishWaiters
    let timeout: Duration

    func resume() {
        waiters.take(id)?.resume()
    }

    func resume(throwing error: any Error) {
        waiters.take(id)?.resume(throwing: error)
    }
}
