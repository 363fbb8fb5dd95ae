import AMQP
import Foundation
import Messages
import Testing

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

extension Integration {
    @Suite("Topology against RabbitMQ")
    struct TopologyDeclarerTests {
        let configuration = TestServers.amqp
        let logger = TestServers.logger

        /// Consumers of a throw-away name, so the real topology is untouched.
        func consumers(retryDelays: [Duration] = [.seconds(1)], maxAttempts: Int = 3) -> [ConsumerDefinition] {
            let suffix = UUID().uuidString.prefix(6).lowercased()
            return [
                ConsumerDefinition(name: "alpha\(suffix)", queue: "test.alpha\(suffix)", bindings: ["itest\(suffix).#"],
                                   retryDelays: retryDelays, maxAttempts: maxAttempts),
                ConsumerDefinition(name: "beta\(suffix)", queue: "test.beta\(suffix)", bindings: ["itest\(suffix).#"],
                                   retryDelays: retryDelays, maxAttempts: maxAttempts),
            ]
        }

        func delete(_ plan: [Topology.Declaration], on connection: AMQPConnection) async {
            for case .queue(let name, _) in plan { try? await connection.deleteQueue(name) }  // clean-up only: unique names, no assertion
        }

        @Test func declaringTwiceIsANoOp() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let declarer = TopologyDeclarer(connection: connection)
                let definitions = consumers()
                let first = try await declarer.declare(definitions)
                try await connection.publish(AMQPMessage(exchange: BrokerNames.eventsExchange, routingKey: definitions[0].bindings[0].replacingOccurrences(of: "#", with: "x"), body: Array("kept".utf8)))
                let second = try await declarer.declare(definitions)
                #expect(first == second)
                // Re-declaring kept the queue and its message.
                #expect(try await connection.inspectQueue(definitions[0].queue).messageCount == 1)
                await delete(first, on: connection)
            }
        }

        @Test func aRetriedMessageComesBackOnlyToItsOwnConsumersQueue() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let definitions = consumers(retryDelays: [.milliseconds(300)])
                let plan = try await TopologyDeclarer(connection: connection).declare(definitions)
                let alpha = definitions[0]
                let beta = definitions[1]
                // What the runner does for a transient failure: publish to the retry queue.
                try await connection.publish(AMQPMessage(exchange: "", routingKey: alpha.retryQueue(for: .milliseconds(300)),
                                                         body: Array("retry me".utf8),
                                                         properties: AMQPProperties(headers: ["x-attempt": .int(2)])))
                #expect(try await eventually { try await connection.inspectQueue(alpha.queue).messageCount == 1 })
                let back = try #require(try await connection.get(queue: alpha.queue))
                #expect(String(decoding: back.body, as: UTF8.self) == "retry me")
                #expect(back.properties.headers["x-attempt"] == .int(2))
                try await back.ack()
                #expect(try await connection.inspectQueue(beta.queue).messageCount == 0)
                await delete(plan, on: connection)
            }
        }

        @Test func aMessageThatKeepsFailingIsDeadLetteredByTheBroker() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let definitions = consumers(maxAttempts: 1)  // delivery limit 3
                let consumer = definitions[0]
                let plan = try await TopologyDeclarer(connection: connection).declare(definitions)
                try await connection.publish(AMQPMessage(exchange: "", routingKey: consumer.queue, body: Array("poison".utf8)))
                // A process that dies on this message every time: each delivery ends unacked.
                var deliveries = 0
                while let delivery = try await connection.get(queue: consumer.queue) {
                    deliveries += 1
                    try await delivery.nack(requeue: true)
                    if deliveries > 10 { break }
                }
                #expect(deliveries == consumer.deliveryLimit + 1)
                #expect(try await eventually { try await connection.inspectQueue(consumer.deadLetterQueue).messageCount == 1 })
                await delete(plan, on: connection)
            }
        }

        @Test func aConflictingDeclarationNamesTheQueueAndArgument() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let declarer = TopologyDeclarer(connection: connection)
                var definitions = consumers(maxAttempts: 3)
                let plan = try await declarer.declare(definitions)
                definitions[0].deliveryLimit = 9
                await #expect(throws: TopologyError.conflict(queue: definitions[0].queue, argument: "x-delivery-limit", brokerMessage: "")) {
                    do {
                        try await declarer.declare(definitions)
                    } catch TopologyError.conflict(let queue, let argument, _) {
                        // The broker's full text varies by version; compare what we promise.
                        throw TopologyError.conflict(queue: queue, argument: argument, brokerMessage: "")
                    }
                }
                // The connection stays usable after the broker closed the request channel.
                #expect(try await connection.inspectQueue(definitions[1].queue).messageCount == 0)
                await delete(plan, on: connection)
            }
        }
    }
}
