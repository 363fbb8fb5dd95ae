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

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the intake, every consumer and the scheduler in one process.")

    @Flag(help: "Apply database migrations before starting.")
    var migrate = false

    @Flag(help: "Declare the broker topology from the consumer files before starting.")
    var declareTopology = false

    func run() async throws {
        try await Startup.run("billing.serve") { environment, logger in
            let configuration = try ServeConfiguration(environment: environment)
            let consumers = try ConsumerDefinition.loadAll(from: configuration.consumersDirectory)
            let server = try BillingServer(configuration: configuration, logger: logger)
            if migrate {
                try await Database.withDatabase(configuration: configuration.database, logger: logger) { database in
                    try await Migrator().migrate(database.client, logger: logger)
                }
            }
            if declareTopology {
                try await AMQPConnection.withConnection(configuration: configuration.amqp, logger: logger) { connection in
                    try await TopologyDeclarer(connection: connection).declare(consumers)
                }
            }
            logger.info("starting", metadata: [
                "http": "\(configuration.http.host):\(configuration.http.port)",
                "broker": "\(configuration.amqp.redactedDescription)",
                "database": "\(configuration.database.redactedDescription)",
                "consumers": "\(consumers.map(\.name).joined(separator: ","))",
            ])
            try await server.run(consumers: consumers)
        }
    }
}
