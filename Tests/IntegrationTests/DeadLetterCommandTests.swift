import AMQP
import Foundation
import Messages
import Testing

@testable import ConsumerRuntime

extension Integration {
    /// `billing dlq` as an operator runs it, on a dead-letter queue far larger than anything it
    /// should hold in memory.
    @Suite("billing dlq")
    struct DeadLetterCommandTests {
        /// Fills the dead-letter queue of a consumer of its own with `count` letters of `size`
        /// bytes; returns the environment that points `billing` at that consumer.
        func deadLetters(count: Int, size: Int, consumer name: String) async throws -> [String: String] {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("consumers-\(name)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try "name: \(name)\nbindings:\n  - \"\(name).#\"\n".write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
            let consumer = try #require(try ConsumerDefinition.loadAll(from: directory.path).first)
            try await AMQPConnection.withConnection(configuration: TestServers.amqp, logger: TestServers.logger) { connection in
                _ = try await TopologyDeclarer(connection: connection).declare([consumer])
                let padding = String(repeating: "x", count: size)
                for start in stride(from: 0, to: count, by: 500) {
                    let batch = (start..<min(start + 500, count)).map { index in
                        AMQPMessage(exchange: "", routingKey: consumer.deadLetterQueue, body: Array(#"{"id":"evt_\#(index)","pad":"\#(padding)"}"#.utf8),
                                    properties: AMQPProperties(contentType: "application/json",
                                                               headers: [MessageHeader.lastError: .string("handler failed for evt_dlq_\(index): bad field amount"),
                                                                         MessageHeader.attempt: .int(3)],
                                                               messageID: "evt_dlq_\(index)", type: "thing.happened"))
                    }
                    try await connection.publish(batch)
                }
            }
            var environment = ServeProcess.environment
            environment["BILLING_CONSUMERS_DIR"] = directory.path
            return environment
        }

        func deleteQueues(of name: String) async throws {
            try await AMQPConnection.withConnection(configuration: TestServers.amqp, logger: TestServers.logger) { connection in
                // Clean-up only, after the assertions: the names are unique to this test, so a queue
                // left behind (the broker restarting under another test) disturbs nothing.
                for queue in ["billing.\(name)", "billing.\(name).dead"] { try? await connection.deleteQueue(queue) }
            }
        }

        /// Listing streams: 10,000 letters of 8 KiB (80 MiB of bodies) take about the memory of
        /// 200, the counts are exact, one cause is one line, and the queue is left as it was.
        @Test func listingAHugeQueueTakesTheMemoryOfASmallOne() async throws {
            let small = "dlqs" + UUID().uuidString.prefix(6).lowercased()
            let large = "dlql" + UUID().uuidString.prefix(6).lowercased()
            let smallEnvironment = try await deadLetters(count: 200, size: 8192, consumer: small)
            let largeEnvironment = try await deadLetters(count: 10_000, size: 8192, consumer: large)
            let few = try TestServers.runMeasured(TestServers.billingExecutable, ["dlq", "list", "--consumer", small], environment: smallEnvironment)
            let many = try TestServers.runMeasured(TestServers.billingExecutable, ["dlq", "list", "--consumer", large], environment: largeEnvironment,
                                                   timeout: .seconds(300))
            #expect(few.status == 0 && many.status == 0, "\(many.stderr)")
            #expect(many.stdout.contains("\n10000 dead-lettered messages\n"))
            #expect(many.stdout.contains("  10000\t\(large)\tthing.happened\t"), "one reason kind, one line")
            #expect(many.stdout.split(separator: "\n").filter { $0.hasPrefix("\(large)\tevt_dlq_") }.count == 10_000)
            // 80 MiB of bodies held at once would show; a stream adds at most a few MiB.
            #expect(many.peakKiB - few.peakKiB < 24 * 1024, "peak \(few.peakKiB) KiB for 200 letters, \(many.peakKiB) KiB for 10,000")
            let left = try await AMQPConnection.withConnection(configuration: TestServers.amqp, logger: TestServers.logger) { connection in
                try await connection.inspectQueue("billing.\(large).dead").messageCount
            }
            #expect(left == 10_000)
            try await deleteQueues(of: small)  // clean-up: unique names
            try await deleteQueues(of: large)
        }
    }
}
