import AMQP
import BillingCore
import Dunning
import Foundation
import Intake
import Notifications
import Storage
import Stripe
import Usage

/// Everything `billing serve` needs.
public struct ServeConfiguration: Sendable {
    public var amqp: AMQPConfiguration
    public var database: DatabaseConfiguration
    public var http: HTTPSettings
    public var stripe: StripeSettings
    public var internalSecret: Secret
    public var opsToken: Secret
    public var consumersDirectory: String
    public var plansFile: String
    public var dunning: DunningSettings
    public var notifications: NotificationDeliverySettings
    public var usage: UsageFileSettings

    public init(environment: EnvironmentReader) throws(ConfigurationError) {
        amqp = try environment.amqp()
        database = try environment.database()
        http = try environment.http()
        stripe = try environment.stripe()
        internalSecret = try environment.internalSecret()
        opsToken = try environment.opsToken()
        consumersDirectory = environment.consumersDirectory()
        plansFile = environment.plansFile()
        dunning = try environment.dunning()
        notifications = try environment.notifications()
        usage = try environment.usage()
    }
}
