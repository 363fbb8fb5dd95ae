import AMQP
import ArgumentParser
import BillingCore
import Foundation
import Logging
import Messages
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Storage
import Stripe
import ConfigurationFiles
import ConsumerRuntime
import Dunning
import Lifecycle
import Notifications
import Settings
import Usage
/// Confirmed publishes per second into a quorum queue, as the intake does them.
struct PublishBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish N persistent messages with confirms into a quorum queue and print confirmed messages per second.")

    @Option(help: "Messages to publish.") var count = 100_000
    @Option(help: "Body size in bytes.") var size = 1024
    @Option(help: "Publishes in flight at once (concurrent callers).") var window = 1000
    @Option(help: "The quorum queue to fill; purged before and deleted after.") var queue = BrokerNames.workQueue(consumer: "bench.publish")

    func validate() throws {
        guard count > 0, size >= 0, window > 0 else { throw ValidationError("count and window must be > 0, size >= 0") }
    }

    func run() async throws {
        try await BillingBench.run { environment, logger in
            let amqp = try environment.amqp()
            try await AMQPConnection.withConnection(configuration: amqp, logger: logger) { connection in
                try await connection.declareQueue(queue, arguments: ["x-queue-type": .string("quorum")])
                try await connection.purgeQueue(queue)
                let body = [UInt8](repeating: UInt8(ascii: "x"), count: size)
                let message = AMQPMessage(exchange: "", routingKey: queue, body: body,
                                          properties: AMQPProperties(contentType: "application/octet-stream", persistent: true))
                let total = count
                let callers = min(window, total)
                let clock = ContinuousClock()
                let start = clock.now
                // Each caller publishes its share one message at a time, as concurrent HTTP
                // requests do in the intake.
                let failed = await withTaskGroup(of: Int.self) { group in
                    for caller in 0..<callers {
                        let share = total / callers + (caller < total % callers ? 1 : 0)
                        group.addTask {
                            var failed = 0
                            for _ in 0..<share {
                                do { try await connection.publish(message) } catch { failed += 1 }
                            }
                            return failed
                        }
                    }
                    return await group.reduce(0, +)
                }
                let elapsed = clock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let state = try await connection.inspectQueue(queue)
                try await connection.deleteQueue(queue)
                let confirmed = total - failed
                print("published \(total) messages of \(size) bytes, window \(window), broker \(connection.serverVersion ?? "?")")
                print(String(format: "confirmed %d in %.2f s: %.0f confirmed msg/s; failed %d; queue held %d",
                             confirmed, seconds, Double(confirmed) / seconds, total - confirmed, state.messageCount))
            }
        }
    }
}
