import AMQP
import Foundation
import Messages

/// The broker objects the consumers need, computed from their definitions as plain values, so
/// the plan is tested without a broker and ``TopologyDeclarer`` only carries it out.
public enum Topology {
    /// One broker object to declare.
    public enum Declaration: Sendable, Equatable {
        /// An exchange of `type` (`topic`).
        case exchange(name: String, type: String)
        /// A durable queue with its `x-…` arguments.
        case queue(name: String, arguments: [String: AMQPFieldValue])
        /// A binding of `queue` to `exchange` for routing keys matching `pattern`.
        case binding(queue: String, exchange: String, pattern: String)
    }

    /// Everything to declare, in order: the exchange, then per consumer its dead-letter queue,
    /// work queue, bindings and retry queues.
    ///
    /// - Parameter brokerMajorVersion: RabbitMQ 4 gives quorum queues a default delivery limit
    ///   of 20; dead-letter queues must have none, so there it is turned off explicitly (-1),
    ///   while 3.x has no default and rejects -1.
    package static func plan(for consumers: [ConsumerDefinition], brokerMajorVersion: Int) -> [Declaration] {
        var declarations: [Declaration] = [.exchange(name: BrokerNames.eventsExchange, type: "topic")]
        // Dead-lettering that waits for the target queue's confirm, so a message moved to the
        // dead-letter queue or back from a retry queue cannot be lost on the way.
        let safeDeadLettering: [String: AMQPFieldValue] = [
            "x-dead-letter-strategy": .string("at-least-once"),
            "x-overflow": .string("reject-publish"),
        ]
        for consumer in consumers {
            var dead: [String: AMQPFieldValue] = ["x-queue-type": .string("quorum")]
            if brokerMajorVersion >= 4 { dead["x-delivery-limit"] = .int(-1) }
            declarations.append(.queue(name: consumer.deadLetterQueue, arguments: dead))

            var work: [String: AMQPFieldValue] = safeDeadLettering
            work["x-queue-type"] = .string("quorum")
            work["x-delivery-limit"] = .int(Int64(consumer.deliveryLimit))
            work["x-dead-letter-exchange"] = .string("")
            work["x-dead-letter-routing-key"] = .string(consumer.deadLetterQueue)
            declarations.append(.queue(name: consumer.queue, arguments: work))
            for pattern in consumer.bindings {
                declarations.append(.binding(queue: consumer.queue, exchange: BrokerNames.eventsExchange, pattern: pattern))
            }

            // One queue per distinct delay: quorum queues expire messages only at the head, so
            // a queue must hold a single TTL. Expired messages go through the default exchange
            // straight to this consumer's queue, not to every binding of billing.events.
            var seen = Set<String>()
            for delay in consumer.retryDelays where seen.insert(consumer.retryQueue(for: delay)).inserted {
                var retry: [String: AMQPFieldValue] = safeDeadLettering
                retry["x-queue-type"] = .string("quorum")
                retry["x-message-ttl"] = .int(delay.wholeMilliseconds)
                retry["x-dead-letter-exchange"] = .string("")
                retry["x-dead-letter-routing-key"] = .string(consumer.queue)
                declarations.append(.queue(name: consumer.retryQueue(for: delay), arguments: retry))
            }
        }
        return declarations
    }
}
