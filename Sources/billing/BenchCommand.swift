import AMQP
import ArgumentParser
import Foundation
import Stripe
import Workers

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print figures.", subcommands: [PublishBench.self, VerifyBench.self])
}

/// Confirmed publishes per second into a quorum queue, as the intake does them.
struct PublishBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish N persistent messages with confirms into a quorum queue and print confirmed messages per second.")

    @Option(help: "Messages to publish.") var count = 100_000
    @Option(help: "Body size in bytes.") var size = 1024
    @Option(help: "Publishes in flight at once (concurrent callers).") var window = 1000
    @Option(help: "The quorum queue to fill; purged before and deleted after.") var queue = "billing.bench.publish"

    func validate() throws {
        guard count > 0, size >= 0, window > 0 else { throw ValidationError("count and window must be > 0, size >= 0") }
    }

    func run() async throws {
        try await Startup.run("billing.bench") { environment, logger in
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

/// Stripe signature verifications per second on one core (the calling thread).
struct VerifyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify N signed webhook bodies of SIZE bytes on one core and print verifications per second.")

    @Option(help: "Verifications to run.") var count = 1_000_000
    @Option(help: "Body size in bytes.") var size = 2048
    @Option(help: "Configured secrets (2 during a rotation; the match is the last one tried).") var secrets = 1

    func run() throws {
        let keys = (0..<max(secrets, 1)).map { "whsec_bench_secret_\($0)" }
        let verifier = WebhookSignatureVerifier(secrets: keys)
        let body = Array((#"{"id":"evt_bench","object":"event","type":"invoice.paid","pad":""# + String(repeating: "x", count: max(size - 60, 0)) + #""}"#).utf8)
        let now = Date()
        let header = WebhookSignatureVerifier.header(payload: body, secret: keys.last!, timestamp: Int64(now.timeIntervalSince1970))
        let clock = ContinuousClock()
        let start = clock.now
        var accepted = 0
        for _ in 0..<count {
            if (try? verifier.verify(payload: body, header: header, now: now)) != nil { accepted += 1 }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard accepted == count else { throw ValidationError("only \(accepted) of \(count) verified: the benchmark is broken") }
        print(String(format: "verified %d bodies of %d bytes with %d secret(s) in %.2f s on one core: %.0f verifications/s",
                     count, body.count, keys.count, seconds, Double(count) / seconds))
    }
}
