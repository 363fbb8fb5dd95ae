import AMQP
import ArgumentParser
import BillingCore
import ConfigurationFiles
import ConsumerRuntime
import Dunning
import Foundation
import Intake
import Lifecycle
import Logging
import Notifications
import Settings
import Storage
import Stripe
import Usage

struct Consume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run consumers only, to scale them across machines (HTTP: only /healthz, /readyz and /metrics).")

    @Option(name: .customLong("consumer"), help: "A consumer to run (repeatable; default: every consumer with a handler).")
    var names: [String] = []

    func run() async throws {
        try await Startup.run("billing.consume") { environment, logger in
            let configuration = try ServeConfiguration(environment: environment)
            var consumers = try ConsumerDefinition.loadAll(from: configuration.consumersDirectory)
            if !names.isEmpty {
                let unknown = Set(names).subtracting(consumers.map(\.name))
                guard unknown.isEmpty else {
                    throw ValidationError("unknown consumer \(unknown.sorted().joined(separator: ", ")); known: \(consumers.map(\.name).joined(separator: ", "))")
                }
                consumers = consumers.filter { names.contains($0.name) }
            }
            try await BillingServer(configuration: configuration, logger: logger).run(consumers: consumers, intake: false, scheduler: false)
        }
    }
}
