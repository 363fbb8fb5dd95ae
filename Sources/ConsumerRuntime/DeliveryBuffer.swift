import Synchronization

/// Hands out what has arrived, up to a limit, without waiting for more: batches grow under load
/// (deliveries pile up while workers are busy) and stay single under a trickle, with no timer.
/// One producer appends; one consumer takes.
final class DeliveryBuffer<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
        var failure: (any Error)?
    }

    private enum Step { case take([Element]), end((any Error)?), wait }

    private let state = Mutex(State())

    init() {}

    func append(_ element: Element) {
        let waiter = state.withLock { state in
            state.items.append(element)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// No more elements; `next` returns what is left, then nil (or throws `error`).
    func finish(throwing error: (any Error)? = nil) {
        let waiter = state.withLock { state in
            state.finished = true
            state.failure = state.failure ?? error
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Up to `limit` elements in arrival order, waiting only while there are none. nil once
    /// finished and empty, or when the calling task is cancelled.
    func next(limit: Int) async throws -> [Element]? {
        while true {
            let step: Step = state.withLock { state in
                if !state.items.isEmpty {
                    let count = min(limit, state.items.count)
                    let batch = Array(state.items.prefix(count))
                    state.items.removeFirst(count)
                    return .take(batch)
                }
                return state.finished ? .end(state.failure) : .wait
            }
            switch step {
            case .take(let batch):
                return batch
            case .end(let failure):
                if let failure { throw failure }
                return nil
            case .wait:
                if Task.isCancelled { return nil }
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = state.withLock { state in
                            // Checked under the lock the cancellation handler takes too, so a
                            // cancellation either sees this waiter or is seen here.
                            guard state.items.isEmpty && !state.finished && !Task.isCancelled else { return true }
                            state.waiter = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    let waiter = state.withLock { state in
                        defer { state.waiter = nil }
                        return state.waiter
                    }
                    waiter?.resume()
                }
                if Task.isCancelled { return nil }
            }
        }
    }
}
