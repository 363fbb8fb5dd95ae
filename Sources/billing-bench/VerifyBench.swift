import AMQP
import ArgumentParser
import BillingCore
import Foundation
import Logging
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
