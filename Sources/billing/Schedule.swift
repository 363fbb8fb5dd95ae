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
