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

@main
struct Billing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing",
        abstract: "The billing worker: webhook intake, consumers, scheduler and ops tools.",
        subcommands: [Serve.self, IntakeCommand.self, Consume.self, Schedule.self, Migrate.self, TopologyCommand.self, DeadLetterCommand.self, UsageCommand.self])
}

/// Reads the environment once, sets up logging, and turns a configuration error into one
/// clear line and exit status 78 (EX_CONFIG), and a port already taken into one line and
/// 69 (EX_UNAVAILABLE), instead of a stack trace.
enum Startup {
    static func run(_ label: String, _ body: (EnvironmentReader, Logger) async throws -> Void) async throws {
        let environment = EnvironmentReader()
        do {
            let level = try environment.logLevel()
            LoggingSystem.bootstrap { name in
                var handler = StreamLogHandler.standardError(label: name)
                handler.logLevel = level
                return handler
            }
            try await body(environment, Logger(label: label))
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("billing: \(error)\n".utf8))
            throw ExitCode(78)
        } catch let error as ConfigurationFileError {
            FileHandle.standardError.write(Data("billing: \(error)\n".utf8))
            throw ExitCode(78)
        } catch let error as ListenError {
            FileHandle.standardError.write(Data("billing: \(error)\n".utf8))
            throw ExitCode(69)
        }
    }
}

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

struct IntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake", abstract: "Run the HTTP intake only (no consumers), to scale it on its own.")

    func run() async throws {
        try await Startup.run("billing.intake") { environment, logger in
            let configuration = try ServeConfiguration(environment: environment)
            try await BillingServer(configuration: configuration, logger: logger).run(consumers: [], intake: true, scheduler: false)
        }
    }
}

struct Schedule: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the dunning scheduler alone: dispatch due steps (several may run at once).")

    func run() async throws {
        try await Startup.run("billing.schedule") { environment, logger in
            let configuration = try ServeConfiguration(environment: environment)
            try await BillingServer(configuration: configuration, logger: logger).run(consumers: [], intake: false, scheduler: true)
        }
    }
}

struct Consume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run consumers only (no HTTP), to scale them across machines.")

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

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the database migrations this build has and the database lacks.")

    func run() async throws {
        try await Startup.run("billing.migrate") { environment, logger in
            let configuration = try environment.database()
            let applied = try await Database.withDatabase(configuration: configuration, logger: logger) { database in
                try await Migrator().migrate(database.client, logger: logger)
            }
            print(applied.isEmpty ? "schema is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}

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
