import CAMQP
import Synchronization

/// Work handed from Swift concurrency to the connection's own thread.
enum Command: Sendable {
    case publish([AMQPMessage], PublishWaiter)
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
