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
