import CAMQP
import Synchronization

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
