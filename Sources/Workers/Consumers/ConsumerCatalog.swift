import BillingCore
import Foundation
import Intake
import Logging
import PostgresNIO
import Prometheus
import Stripe

/// What handlers are built from: the configuration read at start.
public struct HandlerContext: Sendable {
    public var plans: PlanCatalog
    public var dunning: DunningPolicy
    public var daySeconds: Int64
    public var stripe: StripeClient
    /// Where handlers publish what they ask of other consumers (notifications, state changes).
    public var publisher: any EventPublisher
    public var registry: PrometheusCollectorRegistry
    public var now: @Sendable () -> Date
    /// What the notifications consumer sends with; nil where it does not run.
    public var notifications: NotificationRuntime?

    public init(plans: PlanCatalog, dunning: DunningPolicy = .seed, daySeconds: Int64 = 86_400, stripe: StripeClient,
                publisher: any EventPublisher, registry: PrometheusCollectorRegistry, notifications: NotificationRuntime? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.plans = plans
        self.dunning = dunning
        self.daySeconds = daySeconds
        self.stripe = stripe
        self.publisher = publisher
        self.registry = registry
        self.notifications = notifications
        self.now = now
    }
}

/// The notifications consumer's settings, templates and senders, made once at start.
public struct NotificationRuntime: Sendable {
    public var settings: NotificationSettings
    public var templates: NotificationTemplates
    /// nil: no SMTP server configured; emails are written to the log.
    public var mailer: SMTPMailer?
    public var webhooks: WebhookSender
    /// The outbox's own connections (its rows commit outside any inbox transaction).
    public var database: PostgresClient
    public var logger: Logger

    public init(settings: NotificationSettings, templates: NotificationTemplates, mailer: SMTPMailer?, webhooks: WebhookSender,
                database: PostgresClient, logger: Logger) {
        self.settings = settings
        self.templates = templates
        self.mailer = mailer
        self.webhooks = webhooks
        self.database = database
        self.logger = logger
    }

    /// Reads the settings file and its templates, and makes the senders.
    public static func load(_ delivery: NotificationDeliverySettings, database: PostgresClient, logger: Logger)
        throws(ConfigurationFileError) -> NotificationRuntime
    {
        let settings = try NotificationSettingsFile.load(path: delivery.file)
        let templates = try NotificationTemplates(directory: settings.templatesDirectory)
        return NotificationRuntime(settings: settings, templates: templates, mailer: delivery.smtp.map(SMTPMailer.init(settings:)),
                                   webhooks: WebhookSender(timeout: delivery.webhookTimeout, logger: logger), database: database, logger: logger)
    }
}

/// Which handler runs each consumer of `consumers/*.yaml`. A consumer without one is not
/// started (its queue keeps its messages until a build that handles them runs).
public enum ConsumerCatalog {
    public static func handler(for consumer: String, context: HandlerContext) -> (any EventHandler)? {
        switch consumer {
        case "lifecycle": LifecycleHandler(plans: context.plans, stripe: context.stripe, registry: context.registry)
        case "dunning": DunningHandler(policy: context.dunning, daySeconds: context.daySeconds, stripe: context.stripe,
                                       publisher: context.publisher, now: context.now)
        case "usage": UsageHandler(plans: context.plans, publisher: context.publisher, registry: context.registry, now: context.now)
        case "notifications": context.notifications.map {
            NotificationHandler(settings: $0.settings, templates: $0.templates, plans: context.plans, database: $0.database, mailer: $0.mailer,
                                webhooks: $0.webhooks, registry: context.registry, logger: $0.logger, now: context.now)
        }
        default: nil
        }
    }
}
