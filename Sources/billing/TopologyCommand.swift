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

struct TopologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology", abstract: "Broker topology from consumers/*.yaml.",
        subcommands: [Declare.self])

    struct Declare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare the exchange and every consumer's work, retry and dead-letter queues (idempotent).")

        @Option(help: "The folder of consumer files (default: $BILLING_CONSUMERS_DIR or ./consumers).")
        var consumers: String?

        func run() async throws {
            try await Startup.run("billing.topology") { environment, logger in
                let amqp = try environment.amqp()
                let definitions = try ConsumerDefinition.loadAll(from: consumers ?? environment.consumersDirectory())
                let declared = try await AMQPConnection.withConnection(configuration: amqp, logger: logger) { connection in
                    try await TopologyDeclarer(connection: connection).declare(definitions)
                }
                for declaration in declared {
                    switch declaration {
                    case .exchange(let name, let type): print("exchange \(name) (\(type))")
                    case .queue(let name, _): print("queue    \(name)")
                    case .binding(let queue, let exchange, let pattern): print("binding  \(exchange) \(pattern) -> \(queue)")
                    }
                }
            }
        }
    }
}
