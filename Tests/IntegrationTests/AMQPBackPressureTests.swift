@testable import AMQP
import Foundation
import Testing

extension Integration {
    /// What a publisher does when RabbitMQ pushes back: a memory alarm (`connection.blocked`), a
    /// frozen broker that stops reading the socket, more unconfirmed messages than allowed.
    /// Every publish ends within the confirm timeout, whatever the broker does.
    @Suite("AMQP back-pressure against RabbitMQ")
    struct AMQPBackPressureTests {
        let logger = TestServers.logger

        func configuration(confirmTimeout: Duration, heartbeat: Duration = .seconds(30), maxInFlight: Int = 20_000) -> AMQPConfiguration {
            var configuration = TestServers.amqp
            configuration.confirmTimeout = confirmTimeout
            configuration.heartbeat = heartbeat
            configuration.maxInFlightPublishes = maxInFlight
            configuration.connectionName = TestServers.unique("backpressure")
            return configuration
        }

        func message(to queue: String, _ id: String, bytes: Int = 64) -> AMQPMessage {
            AMQPMessage(exchange: "", routingKey: queue, body: Array(repeating: UInt8(ascii: "x"), count: bytes),
                        properties: AMQPProperties(contentType: "application/octet-stream", messageID: id))
        }

        /// The broker's Erlang process, for `kill -STOP` / `kill -CONT`.
        func brokerPID() throws -> String {
            let answer = try TestServers.rabbitmqctl("eval", "os:getpid().")
            let pid = answer.filter(\.isNumber)
            guard !pid.isEmpty else { throw TestFailure("rabbitmqctl eval os:getpid() answered \(answer)") }
            return pid
        }

        @Test func aMemoryAlarmFailsPublishesAtOnceUntilItClears() async throws {
            let configuration = configuration(confirmTimeout: .seconds(3))
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = TestServers.unique("test.alarm")
                try await connection.declareQueue(queue, arguments: ["x-queue-type": .string("quorum")])
                try await connection.publish(message(to: queue, "before"))
                // The connection says who it is and that it understands connection.blocked.
                let described = try TestServers.rabbitmqctl("list_connections", "client_properties")
                #expect(described.contains(configuration.connectionName))
                #expect(described.contains("connection.blocked"))

                try TestServers.rabbitmqctl("set_vm_memory_high_watermark", "0.0000001")
                defer { _ = try? TestServers.rabbitmqctl("set_vm_memory_high_watermark", "0.4") }
                // Publish until one fails: none may take longer than the confirm timeout.
                let clock = ContinuousClock()
                var slowest = Duration.zero
                var failed = false
                for index in 0..<200 where !failed {
                    let started = clock.now
                    do {
                        try await connection.publish(message(to: queue, "during-\(index)"))
                        try await Task.sleep(for: .milliseconds(50))
                    } catch let error as AMQPError {
                        failed = true
                        #expect(error.isBackPressure, "\(error)")
                    }
                    slowest = max(slowest, clock.now - started)
                }
                #expect(failed, "the alarm never blocked a publish")
                #expect(slowest < configuration.confirmTimeout + .seconds(1), "a publish took \(slowest)")
                #expect(try await eventually { connection.blockedReason != nil })

                // While blocked, a publish fails at once, sending nothing.
                let started = clock.now
                await #expect {
                    try await connection.publish(message(to: queue, "blocked"))
                } throws: { error in
                    if case AMQPError.blocked = error { true } else { false }
                }
                #expect(clock.now - started < .milliseconds(200))

                try TestServers.rabbitmqctl("set_vm_memory_high_watermark", "0.4")
                #expect(try await eventually(timeout: .seconds(30)) { connection.blockedReason == nil })
                try await connection.publish(message(to: queue, "after"))
                try await connection.deleteQueue(queue)
            }
        }

        /// `kill -STOP` of the broker while large messages are written: the socket fills, the
        /// write blocks, and the watchdog drops the connection within the confirm timeout.
        @Test func aFrozenBrokerCannotHoldAPublishBeyondTheConfirmTimeout() async throws {
            let configuration = configuration(confirmTimeout: .seconds(2), heartbeat: .seconds(2), maxInFlight: 60)
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let queue = TestServers.unique("test.frozen")
                try await connection.declareQueue(queue, arguments: ["x-queue-type": .string("quorum")])
                try await connection.publish(message(to: queue, "before"))

                let pid = try brokerPID()
                try TestServers.run("/bin/kill", ["-STOP", pid])
                defer { _ = try? TestServers.run("/bin/kill", ["-CONT", pid]) }
                // 100 messages of 256 KiB (25 MiB) fill the socket's and the broker's buffers.
                let clock = ContinuousClock()
                let messages = (0..<100).map { message(to: queue, "frozen-\($0)", bytes: 256 * 1024) }
                let results = await withTaskGroup(of: (error: AMQPError?, took: Duration).self) { group in
                    for message in messages {
                        group.addTask {
                            let started = clock.now
                            do {
                                try await connection.publish(message)
                                return (nil, clock.now - started)
                            } catch {
                                return (error as? AMQPError ?? .requestFailed(reason: "\(error)"), clock.now - started)
                            }
                        }
                    }
                    var results: [(error: AMQPError?, took: Duration)] = []
                    for await result in group { results.append(result) }
                    return results
                }
                #expect(results.count == 100)
                #expect(results.allSatisfy { $0.error != nil }, "a publish was confirmed by a frozen broker")
                let slowest = results.map(\.took).max() ?? .zero
                #expect(slowest < configuration.confirmTimeout + .seconds(1), "a publish took \(slowest)")
                // More than 60 unconfirmed at once: the rest are refused at once.
                #expect(results.contains { if case .overloaded = $0.error { true } else { false } })
                #expect(results.contains { if case .connectionLost = $0.error { true } else { false } })

                try TestServers.run("/bin/kill", ["-CONT", pid])
                try await connection.waitUntilConnected(timeout: .seconds(30))
                try await connection.publish(message(to: queue, "after"))
                try await connection.deleteQueue(queue)
            }
        }

        /// With nothing to send, a frozen broker is noticed by its missing heartbeats.
        @Test func aSilentBrokerIsNoticedWithinTwoHeartbeatIntervals() async throws {
            let configuration = configuration(confirmTimeout: .seconds(2), heartbeat: .seconds(2))
            try await AMQPConnection.withConnection(configuration: configuration, logger: logger) { connection in
                let pid = try brokerPID()
                try TestServers.run("/bin/kill", ["-STOP", pid])
                defer { _ = try? TestServers.run("/bin/kill", ["-CONT", pid]) }
                let clock = ContinuousClock()
                let started = clock.now
                #expect(try await eventually(timeout: .seconds(10)) { !connection.isConnected })
                let noticed = clock.now - started
                #expect(noticed <= configuration.heartbeat * 2 + .seconds(1), "noticed after \(noticed)")
                try TestServers.run("/bin/kill", ["-CONT", pid])
                try await connection.waitUntilConnected(timeout: .seconds(30))
            }
        }
    }
}

extension AMQPError {
    /// The failures back-pressure may cause: blocked, not confirmed in time, or the connection
    /// dropped because the broker stopped reading.
    var isBackPressure: Bool {
        switch self {
        case .blocked, .confirmTimeout, .connectionLost, .notConnected: true
        default: false
        }
    }
}
