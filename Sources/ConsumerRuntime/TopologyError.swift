import AMQP
import Foundation
import Messages

/// Declaring the topology failed.
package enum TopologyError: Error, Equatable, CustomStringConvertible {
    /// A queue exists with other arguments. Queues cannot be changed in place: drain and delete
    /// it (`rabbitmqctl delete_queue NAME`) or revert the consumer file.
    case conflict(queue: String, argument: String, brokerMessage: String)
    /// Any other failure of the declaration named.
    case failed(declaration: String, reason: String)

    /// What failed and what to do about it.
    package var description: String {
        switch self {
        case .conflict(let queue, let argument, let message):
            "queue '\(queue)' already exists with a different '\(argument)' (\(message)); delete the queue after draining it, or change the consumer file back"
        case .failed(let declaration, let reason): "declaring \(declaration) failed: \(reason)"
        }
    }
}
