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
    /// The broker connection (``EnvironmentReader/amqp()``).
    public var amqp: AMQPConfiguration
    /// The PostgreSQL connection (``EnvironmentReader/database()``).
    public var database: DatabaseConfiguration
    /// Where the HTTP server listens, and its event-loop threads.
    public var http: HTTPSettings
    /// The webhook secrets, the API key and the API base.
    public var stripe: StripeSettings
    /// The HMAC key of the platform's internal events (`BILLING_INTERNAL_SECRET`).
    public var internalSecret: Secret
    /// The bearer token of the operator endpoints (`BILLING_OPS_TOKEN`).
    public var opsToken: Secret
    /// The directory of consumer definition files (`BILLING_CONSUMERS_DIR`).
    public var consumersDirectory: String
    /// The plan catalog's path (`BILLING_PLANS_FILE`).
    public var plansFile: String
    /// The dunning policy file, the length of a schedule day and the scheduler's interval.
    public var dunning: DunningSettings
    /// The notifications file, the SMTP server (nil: emails go to the log) and the webhook timeout.
    public var notifications: NotificationDeliverySettings
    /// The usage file and the reporter's interval override.
    public var usage: UsageFileSettings
    /// How long a graceful shutdown (SIGTERM) may take before in-flight work is cancelled
    /// (`BILLING_SHUTDOWN_TIMEOUT_MS`, default 30000). Cancelled deliveries were not acked, so
    /// the broker gives them to another consumer: nothing is lost.
    public var shutdownTimeout: Duration
    /// How long a consumer's call to Stripe, decided and committed, is its process's before
    /// another process's sweep may take it over (`BILLING_PENDING_CALL_LEASE_MS`, default
    /// 120000); an attempt still running at the lease is cut, so one call is made by one
    /// process at a time, and a call left by a crash is made again after at most this long.
    public var pendingCallLease: Duration

    /// Reads every section `billing serve` needs; the first missing or malformed setting throws.
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
        shutdownTimeout = .milliseconds(try environment.integer("BILLING_SHUTDOWN_TIMEOUT_MS", default: 30_000, range: 1_000...600_000))
        pendingCallLease = .milliseconds(try environment.integer("BILLING_PENDING_CALL_LEASE_MS", default: 120_000, range: 5_000...3_600_000))
    }
}
