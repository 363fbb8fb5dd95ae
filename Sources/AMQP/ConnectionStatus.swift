import CAMQP
import Logging
import Synchronization

/// What callers can see of the loop without talking to its thread.
final class ConnectionStatus: Sendable {
    private struct State {
        var connected = false
        var lastError: String?
        var serverVersion: String?
        /// Why the broker blocked publishing on this connection (`connection.blocked`), while it does.
        var blockedReason: String?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    var isConnected: Bool { state.withLock { $0.connected } }
    var lastError: String? { state.withLock { $0.lastError } }
    var serverVersion: String? { state.withLock { $0.serverVersion } }
    var blockedReason: String? { state.withLock { $0.blockedReason } }

    func blocked(_ reason: String) {
        state.withLock { $0.blockedReason = reason }
    }

    func unblocked() {
        state.withLock { $0.blockedReason = nil }
    }

    func connected(version: String) {
        let waiters = state.withLock { state in
            state.connected = true
            state.serverVersion = version
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func disconnected(_ reason: String?) {
        state.withLock { state in
            state.connected = false
            state.blockedReason = nil  // a new connection starts unblocked
            if let reason { state.lastError = reason }
        }
    }

    /// Waits until the loop is connected (at least once more).
    func waitForConnection() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.connected { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func releaseWaiters() {
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
