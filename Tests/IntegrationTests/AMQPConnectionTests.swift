@testable import AMQP
import Foundation
import Testing

extension Integration {
    @Suite("AMQP connection against RabbitMQ")
    struct AMQPConnectionTests {
        let configuration = TestServers.amqp
        let logger = TestServers.logger

        func quorumQueue(_ connection: AMQPConnection, _ prefix: String, arguments: [String: AMQPFieldValue] = [:]) async throws -> String {
            let name = TestServers.unique(prefix)
            var arguments = arguments
            arguments["x-queue-type"] = .string("quorum")
            try await connection.declareQueue(name, arguments: arguments)
            return name
        }

        func message(to queue: String, _ body: String, id: String? = nil) -> AMQPMessage {
            AMQPMessage(exchange: "", routingKey: queue, body: Array(body.utf8),
                        properties: AMQPProperties(contentType: "application/json", headers: ["source": .string("test")],
                                                   messageID: id ?? body, timestamp: 1_700_000_000, type: "test.event"))
        }

        @Test func publishedMessagesComeBackExactlyWithTheirProperties() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = try await quorumQueue(connection, "test.roundtrip")
                let count = 500
                for index in 0..<count { try await connection.publish(message(to: queue, "{\"n\":\(index)}", id: "evt_\(index)")) }
                #expect(try await connection.inspectQueue(queue).messageCount == UInt32(count))

                var received: [String] = []
                for try await delivery in try await connection.consume(queue: queue, prefetch: 100) {
                    received.append(String(decoding: delivery.body, as: UTF8.self))
                    #expect(delivery.properties.messageID == "evt_\(received.count - 1)")
                    #expect(delivery.properties.contentType == "application/json")
                    #expect(delivery.properties.type == "test.event")
                    #expect(delivery.properties.timestamp == 1_700_000_000)
                    #expect(delivery.properties.persistent)
                    #expect(delivery.properties.headers == ["source": .string("test")])  // no x-publish-tag bookkeeping
                    #expect(delivery.routingKey == queue)
                    try await delivery.ack()
                    if received.count == count { break }
                }
                #expect(received == (0..<count).map { "{\"n\":\($0)}" })
                #expect(try await eventually { try await connection.inspectQueue(queue).messageCount == 0 })
                try await connection.deleteQueue(queue)
            }
        }

        @Test func aBatchIsConfirmedAsAWhole() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = try await quorumQueue(connection, "test.batch")
                try await connection.publish((0..<1000).map { message(to: queue, "m\($0)") })
                #expect(try await connection.inspectQueue(queue).messageCount == 1000)
                try await connection.deleteQueue(queue)
            }
        }

        @Test func anUnroutableMandatoryMessageFails() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let exchange = TestServers.unique("test.exchange")
                try await connection.declareExchange(exchange, type: "topic")
                let unroutable = AMQPMessage(exchange: exchange, routingKey: "no.such.binding", body: Array("x".utf8))
                await #expect {
                    try await connection.publish(unroutable)
                } throws: { error in
                    guard case AMQPError.unroutable(let returnedExchange, let key, _) = error else { return false }
                    return returnedExchange == exchange && key == "no.such.binding"
                }
                // A routable message in the same breath still confirms.
                let queue = try await quorumQueue(connection, "test.routable")
                try await connection.bindQueue(queue, exchange: exchange, routingKey: "yes.#")
                try await connection.publish(AMQPMessage(exchange: exchange, routingKey: "yes.please", body: Array("y".utf8)))
                try await connection.deleteQueue(queue)
                try await connection.deleteExchange(exchange)
            }
        }

        @Test func aMissingExchangeClosesOnlyThePublishChannelWhichReopens() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                await #expect {
                    try await connection.publish(AMQPMessage(exchange: "no.such.exchange.\(UUID())", routingKey: "x", body: []))
                } throws: { error in
                    guard case AMQPError.channelClosed(404, _) = error else { return false }
                    return true
                }
                let queue = try await quorumQueue(connection, "test.after404")
                try await connection.publish(message(to: queue, "still works"))
                #expect(try await connection.inspectQueue(queue).messageCount == 1)
                try await connection.deleteQueue(queue)
            }
        }

        @Test func aRefusedMessageIsNacked() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                // A full queue with reject-publish makes the broker answer basic.nack. (Classic:
                // quorum queues apply x-max-length a little late, so the first extra may pass.)
                let queue = TestServers.unique("test.full")
                try await connection.declareQueue(queue, arguments: [
                    "x-queue-type": .string("classic"), "x-max-length": .int(1), "x-overflow": .string("reject-publish"),
                ])
                try await connection.publish(message(to: queue, "fits"))
                await #expect(throws: AMQPError.nacked) { try await connection.publish(message(to: queue, "does not fit")) }
                #expect(try await connection.inspectQueue(queue).messageCount == 1)
                try await connection.deleteQueue(queue)
            }
        }

        @Test func aThousandConcurrentPublishesAllConfirm() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = try await quorumQueue(connection, "test.concurrent")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<1000 {
                        group.addTask { try await connection.publish(message(to: queue, "c\(index)")) }
                    }
                    try await group.waitForAll()
                }
                #expect(try await connection.inspectQueue(queue).messageCount == 1000)
                try await connection.deleteQueue(queue)
            }
        }

        @Test func theConsumerNeverHoldsMoreThanThePrefetch() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = try await quorumQueue(connection, "test.prefetch")
                try await connection.publish((0..<20).map { message(to: queue, "p\($0)") })
                let deliveries = try await connection.consume(queue: queue, prefetch: 5)
                var iterator = deliveries.makeAsyncIterator()
                var held: [AMQPDelivery] = []
                for _ in 0..<5 { held.append(try #require(try await iterator.next())) }
                // Nothing more arrives while five are unacknowledged.
                try await Task.sleep(for: .milliseconds(500))
                let state = try await connection.inspectQueue(queue)
                #expect(state.messageCount == 15)
                // Acking them (one multiple ack) lets exactly the next five through.
                try await held.last!.ack(multiple: true)
                for index in 5..<10 {
                    let next = try #require(try await iterator.next())
                    #expect(String(decoding: next.body, as: UTF8.self) == "p\(index)")
                    try await next.ack()
                }
                try await connection.deleteQueue(queue)
            }
        }

        /// librabbitmq keeps every decoded frame in the connection's pools until told to release
        /// them; a consumer that never did grew by about a message's size per delivery.
        @Test func consumingDoesNotGrowMemoryWithEveryDelivery() async throws {
            func residentMiB() throws -> Int {
                let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
                let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
                return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) / 1024
            }
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = try await quorumQueue(connection, "test.memory")
                let body = String(repeating: "m", count: 2048)
                let (warmUp, measured) = (5_000, 40_000)
                for _ in 0..<((warmUp + measured) / 1000) {
                    try await connection.publish((0..<1000).map { _ in message(to: queue, body, id: "m") })
                }
                var iterator = try await connection.consume(queue: queue, prefetch: 500).makeAsyncIterator()
                var before = 0
                for index in 0..<(warmUp + measured) {
                    if index == warmUp { before = try residentMiB() }
                    try await #require(try await iterator.next()).ack()
                }
                let grown = try residentMiB() - before
                // 40,000 deliveries of 2 KB: a leak per delivery would be about 80 MiB.
                #expect(grown < 20, "resident memory grew by \(grown) MiB over \(measured) deliveries")
                try await connection.deleteQueue(queue)
            }
        }

        @Test func deliveriesAckedTogetherAreAllSettledAndNoOthers() async throws {
            let queue = TestServers.unique("test.ackmany")
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                try await connection.declareQueue(queue, arguments: ["x-queue-type": .string("quorum")])
                try await connection.publish((0..<12).map { message(to: queue, "a\($0)") })
                var taken: [AMQPDelivery] = []
                for try await delivery in try await connection.consume(queue: queue, prefetch: 12) {
                    taken.append(delivery)
                    if taken.count == 12 { break }
                }
                // Every other one: acked with one call; the rest stay unacked.
                try await AMQPDelivery.ack(taken.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
            }
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                // The consumer went away: only the six never acked came back.
                #expect(try await eventually { try await connection.inspectQueue(queue).messageCount == 6 })
                var bodies: [String] = []
                for try await delivery in try await connection.consume(queue: queue, prefetch: 6) {
                    bodies.append(String(decoding: delivery.body, as: UTF8.self))
                    try await delivery.ack()
                    if bodies.count == 6 { break }
                }
                #expect(bodies.sorted() == ["a1", "a11", "a3", "a5", "a7", "a9"])
                try await connection.deleteQueue(queue)
            }
        }

        @Test func unackedDeliveriesReturnWhenTheConsumerGoesAway() async throws {
            let queue = TestServers.unique("test.requeue")
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                try await connection.declareQueue(queue, arguments: ["x-queue-type": .string("quorum")])
                try await connection.publish(message(to: queue, "not acked"))
                for try await delivery in try await connection.consume(queue: queue, prefetch: 1) {
                    #expect(!delivery.redelivered)
                    break
                }
            }
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                for try await delivery in try await connection.consume(queue: queue, prefetch: 1) {
                    #expect(String(decoding: delivery.body, as: UTF8.self) == "not acked")
                    #expect(delivery.redelivered)
                    try await delivery.ack()
                    break
                }
                try await connection.deleteQueue(queue)
            }
        }

        @Test func messagesTakenWithGetReturnWithOneMultipleNack() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = try await quorumQueue(connection, "test.get")
                try await connection.publish((0..<3).map { message(to: queue, "g\($0)") })
                var taken: [AMQPDelivery] = []
                while let delivery = try await connection.get(queue: queue) { taken.append(delivery) }
                #expect(taken.map { String(decoding: $0.body, as: UTF8.self) } == ["g0", "g1", "g2"])
                try await taken.last!.nack(multiple: true, requeue: true)
                #expect(try await eventually { try await connection.inspectQueue(queue).messageCount == 3 })
                var again: [String] = []
                while let delivery = try await connection.get(queue: queue) {
                    again.append(String(decoding: delivery.body, as: UTF8.self))
                    try await delivery.ack()
                }
                #expect(again.sorted() == ["g0", "g1", "g2"])
                try await connection.deleteQueue(queue)
            }
        }

        @Test func anUnreachableBrokerFailsFastWithATypedError() async throws {
            var unreachable = configuration
            unreachable.port = 1  // nothing listens there
            unreachable.connectTimeout = .milliseconds(500)
            let clock = ContinuousClock()
            let started = clock.now
            await #expect {
                try await AMQPConnection.withConnection(configuration: unreachable, logger: logger) { _ in }
            } throws: { error in
                guard case AMQPError.notConnected(let last) = error else { return false }
                return last?.contains("127.0.0.1:1") == true
            }
            #expect(clock.now - started < .seconds(3))
        }

        /// Stops RabbitMQ (`rabbitmqctl stop_app`) in the middle of a publishing loop.
        @Test func brokerRestartMidStreamLosesNothingConfirmed() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = try await quorumQueue(connection, "test.outage")
                var confirmed: [String] = []
                var failures: [AMQPError] = []
                var slowestFailure = Duration.zero
                let clock = ContinuousClock()
                var stopped = false
                var restarted = false
                var index = 0
                while confirmed.count < 600 {
                    index += 1
                    if index == 200 {
                        try TestServers.rabbitmqctl("stop_app")
                        stopped = true
                    }
                    let id = "o\(index)"
                    let started = clock.now
                    do {
                        try await connection.publish(message(to: queue, id))
                        confirmed.append(id)
                    } catch let error as AMQPError {
                        failures.append(error)
                        slowestFailure = max(slowestFailure, clock.now - started)
                        if stopped && !restarted && failures.count >= 20 {
                            try TestServers.rabbitmqctl("start_app")
                            restarted = true
                            try await connection.waitUntilConnected(timeout: .seconds(30))
                        }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
                #expect(restarted)
                #expect(failures.count >= 20)
                // While the broker is down, publishes fail at once instead of hanging.
                #expect(slowestFailure < .seconds(2), "a publish took \(slowestFailure) to fail")
                #expect(failures.contains { if case .notConnected = $0 { true } else { false } })

                // Every confirmed message is in the queue (the queue is durable, the messages persistent).
                var stored = Set<String>()
                for try await delivery in try await connection.consume(queue: queue, prefetch: 200) {
                    stored.insert(String(decoding: delivery.body, as: UTF8.self))
                    try await delivery.ack()
                    if stored.isSuperset(of: confirmed) { break }
                }
                #expect(stored.isSuperset(of: confirmed))
                try await connection.deleteQueue(queue)
            }
        }

        @Test func aConsumerResumesAfterTheBrokerRestarts() async throws {
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = try await quorumQueue(connection, "test.resume")
                let deliveries = try await connection.consume(queue: queue, prefetch: 10)
                var iterator = deliveries.makeAsyncIterator()
                try await connection.publish(message(to: queue, "before"))
                let first = try #require(try await iterator.next())
                try await first.ack()

                try TestServers.rabbitmqctl("stop_app")
                #expect(try await eventually { !connection.isConnected })
                try TestServers.rabbitmqctl("start_app")
                try await connection.waitUntilConnected(timeout: .seconds(30))

                try await connection.publish(message(to: queue, "after"))
                let second = try #require(try await iterator.next())
                #expect(String(decoding: second.body, as: UTF8.self) == "after")
                try await second.ack()
                try await connection.deleteQueue(queue)
            }
        }
    }
}

extension Integration {
    @Suite("AMQP over TLS against RabbitMQ")
    struct AMQPTLSTests {
        /// `deploy/local/services.sh` runs a TLS listener with a certificate from a local CA.
        var tlsConfiguration: AMQPConfiguration {
            get throws {
                let url = ProcessInfo.processInfo.environment["BILLING_TEST_AMQPS_URL"]
                    ?? "amqps://guest:guest@localhost:5681/%2f?cacertfile=\(TestServers.repositoryRoot.path)/.local/services/rabbitmq/tls/ca.pem&verify=verify_peer"
                return try AMQPConfiguration(url: url)
            }
        }

        @Test func publishesAndConsumesOverTLSWithAVerifiedCertificate() async throws {
            let configuration = try tlsConfiguration
            #expect(configuration.useTLS && configuration.verifyPeer)
            try await AMQPConnection.withConnection(configuration: configuration, logger: TestServers.logger) { connection in
                let queue = TestServers.unique("test.tls")
                try await connection.declareQueue(queue, arguments: ["x-queue-type": .string("quorum")])
                try await connection.publish(AMQPMessage(exchange: "", routingKey: queue, body: Array("over tls".utf8)))
                let delivery = try #require(try await connection.get(queue: queue))
                #expect(String(decoding: delivery.body, as: UTF8.self) == "over tls")
                try await delivery.ack()
                try await connection.deleteQueue(queue)
            }
        }

        @Test func anUntrustedCertificateIsRefused() async throws {
            var configuration = try tlsConfiguration
            configuration.caCertificatePath = nil  // the system's CAs do not know the local one
            configuration.connectTimeout = .seconds(2)
            await #expect {
                try await AMQPConnection.withConnection(configuration: configuration, logger: TestServers.logger) { _ in }
            } throws: { error in
                guard case AMQPError.notConnected(let last) = error else { return false }
                return last != nil
            }
        }
    }
}
