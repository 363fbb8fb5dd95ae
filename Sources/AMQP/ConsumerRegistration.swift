import CAMQP
import Synchronization

/// A consumer as the caller asked for it; it survives reconnects (the loop subscribes again).
struct ConsumerRegistration: Sendable {
    let id: Int
    let queue: String
    let prefetch: UInt16
    let deliveries: AsyncThrowingStream<AMQPDelivery, any Error>.Continuation
}
