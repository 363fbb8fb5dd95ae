import BillingCore
import ConfigurationFiles
import Foundation
import Prometheus
import Logging
import PostgresNIO

/// The notifications consumer's settings, templates and senders, made once at start.
public struct NotificationRuntime: Sendable {
    var settings: NotificationSettings
    var templates: NotificationTemplates
    /// nil: no SMTP server configured; emails are written to the log.
    var mailer: SMTPMailer?
    var webhooks: WebhookSender
    /// The outbox's own connections (its rows commit outside any inbox transaction).
    var database: PostgresClient
    var logger: Logger
    /// How long a claimed outbox row is protected (``NotificationDeliverySettings/claimLease``).
    var claimLease: Duration = .seconds(120)

    package init(settings: NotificationSettings, templates: NotificationTemplates, mailer: SMTPMailer?, webhooks: WebhookSender,
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
        var runtime = NotificationRuntime(settings: settings, templates: templates, mailer: delivery.smtp.map(SMTPMailer.init(settings:)),
                                          webhooks: WebhookSender(timeout: delivery.webhookTimeout, policy: delivery.webhookPolicy, logger: logger), database: database,
                                          logger: logger)
        runtime.claimLease = delivery.claimLease
        return runtime
    }

    /// The notifications consumer's handler, sending with this runtime.
    public func handler(plans: PlanCatalog, registry: PrometheusCollectorRegistry, now: @escaping @Sendable () -> Date) -> NotificationHandler {
        NotificationHandler(settings: settings, templates: templates, plans: plans, database: database, mailer: mailer,
                            webhooks: webhooks, registry: registry, logger: logger, claimLease: claimLease, now: now)
    }
}
