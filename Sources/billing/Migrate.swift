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
