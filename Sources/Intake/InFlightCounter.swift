import Synchronization

/// Counts requests in one phase (the intake: bodies being read before their signature is
/// verified) and refuses to let more than a limit in.
final class InFlightCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Enters the phase unless `limit` requests are already in it.
    func tryEnter(limit: Int) -> Bool {
        guard count.add(1, ordering: .relaxed).newValue <= limit else {
            count.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Leaves the phase (once per successful ``tryEnter(limit:)``).
    func leave() {
        count.subtract(1, ordering: .relaxed)
    }
}
