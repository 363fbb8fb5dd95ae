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
