import AMQP
import ConfigurationFiles
import ConsumerRuntime
import Dunning
#if canImport(Glibc)
import Glibc
#endif
import BillingCore
import Intake
import Lifecycle
import Logging
import NIOCore
import Notifications
import Prometheus
import ServiceLifecycle
import Settings
import Storage
import Stripe
import Usage

/// `billing serve`: the intake, every consumer and the scheduler in one process, each a
/// `Service` in one `ServiceGroup`, so SIGTERM or SIGINT drains and closes them in order.
struct BillingServer: Sendable {
    var configuration: ServeConfiguration
    var plans: PlanCatalog
    var dunning: DunningPolicy
    var usage: UsageReportingSettings
    var logger: Logger

    /// Reads `config/plans.yaml` and `config/dunning.yaml` too.
    init(configuration: ServeConfiguration, logger: Logger) throws(ConfigurationFileError) {
        self.configuration = configuration
        self.plans = try PlanCatalogFile.load(path: configuration.plansFile)
        self.dunning = try DunningPolicyFile.load(path: configuration.dunning.policyFile)
        self.usage = try configuration.usage.load()
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT.
    ///
    /// - Parameter consumers: the consumers to run (those without a handler are skipped).
    /// - Parameter intake: whether to serve HTTP (`billing consume` runs consumers only).
    /// - Parameter scheduler: whether to dispatch due dunning steps (`billing schedule` runs it alone).
    func run(consumers: [ConsumerDefinition], intake runIntake: Bool = true, scheduler runScheduler: Bool = true) async throws {
        let registry = PrometheusCollectorRegistry()
        // Publishing and consuming on separate connections: the broker's flow control on a
        // busy publisher, or its blocking of publishers during a memory or disk alarm, must not
        // stall deliveries and acks. Consumers publish their retries and dead letters on the
        // publishing connection too.
        let amqp = AMQPConnection(configuration: configuration.amqp, logger: logger)
        var consumerAMQPConfiguration = configuration.amqp
        consumerAMQPConfiguration.connectionName = "billing-consumers"
        let consumerAMQP = AMQPConnection(configuration: consumerAMQPConfiguration, logger: logger)
        let database = Database(configuration: configuration.database, logger: logger)
        let readinessLogger = logger
        // Read before anything starts, so a bad template stops start-up with its file named.
        var notifications: NotificationRuntime?
        if consumers.contains(where: { $0.name == "notifications" }) {
            notifications = try NotificationRuntime.load(configuration.notifications, database: database.client, logger: logger)
            if configuration.notifications.allowPrivateWebhookNetworks {
                logger.warning("BILLING_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true: tenant webhooks may be http and may reach loopback, private and metadata addresses; never in production")
            }
            if configuration.notifications.smtp == nil {
                logger.notice("BILLING_SMTP_URL is not set: notification emails are written to the log, not sent")
            }
        }
        // The intake alone needs only the broker; with consumers or the scheduler, the database too.
        var checks: [(name: String, check: @Sendable () async -> String?)] = [("broker", { @Sendable in
            amqp.blockedReason != nil ? "broker_blocked" : amqp.isConnected ? nil : "unavailable"
        })]
        if !consumers.isEmpty || runScheduler {
            checks.append(("database", { @Sendable in await database.isReachable(logger: readinessLogger) ? nil : "unavailable" }))
        }
        var intakeSettings = IntakeSettings(stripeWebhookSecrets: configuration.stripe.webhookSecrets.map(\.value),
                                            internalSecret: configuration.internalSecret.value, opsToken: configuration.opsToken.value)
        intakeSettings.maxUnverifiedRequests = configuration.http.clientLimits.maxUnverifiedRequests
        intakeSettings.describeFailure = { FailureClassifier.describe($0) }
        let intake = IntakeApplication(
            settings: intakeSettings,
            publisher: amqp,
            metrics: IntakeMetrics(registry: registry),
            readiness: ReadinessChecks(reporting: checks),
            operatorRoutes: [
                LifecycleRoutes(database: database.client, logger: logger, plans: plans,
                                dunning: dunning, daySeconds: configuration.dunning.daySeconds),
                DunningRoutes(database: database.client, logger: logger),
                NotificationRoutes(database: database.client, webhookPolicy: configuration.notifications.webhookPolicy, logger: logger),
                UsageRoutes(database: database.client, plans: plans, logger: logger),
            ],
            logger: logger)
        // Without the intake (`billing consume`, `billing schedule`) the same listener serves
        // only /healthz, /readyz and /metrics, for probes and scraping. With an operator
        // listener configured, the operator endpoints are served there and not here.
        let operatorListener = runIntake ? configuration.http.operatorListener : nil
        let http = intake.makeServer(host: configuration.http.host, port: configuration.http.port,
                                     eventLoopThreads: runIntake ? configuration.http.eventLoopThreads : 1, webhooks: runIntake,
                                     operators: runIntake && operatorListener == nil, limits: configuration.http.clientLimits)
        var runners: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for consumer in consumers {
            guard let handler = ConsumerCatalog.handler(for: consumer.name, context: HandlerContext(
                plans: plans, dunning: dunning, daySeconds: configuration.dunning.daySeconds,
                stripe: StripeClient(configuration: configuration.stripe.api, logger: logger), publisher: amqp, registry: registry,
                notifications: notifications)) else {
                logger.notice("no handler for this consumer in this build; not consuming", metadata: ["consumer": "\(consumer.name)"])
                continue
            }
            runners.append(.init(service: ConsumerRunner(
                definition: consumer, handler: handler, connection: consumerAMQP, forwarder: amqp, database: database.client,
                metrics: ConsumerMetrics(consumer: consumer.name, registry: registry), logger: logger,
                callLease: configuration.pendingCallLease)))
        }
        // Started in order and shut down in reverse: consumers finish what they hold, then the
        // HTTP server stops taking requests, then the broker connections and the pool close.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: database.client), .init(service: amqp), .init(service: consumerAMQP),
        ]
        services.append(.init(service: http))
        if let operatorListener {
            services.append(.init(service: intake.makeServer(host: operatorListener.host, port: operatorListener.port, eventLoopThreads: 1,
                                                             webhooks: false, operators: true, limits: configuration.http.clientLimits)))
        }
        if runScheduler {
            services.append(.init(service: DunningScheduler(database: database.client, publisher: amqp,
                                                            interval: configuration.dunning.schedulerInterval, logger: logger)))
            services.append(.init(service: UsageReportingService(reporter: UsageReporter(
                database: database.client, stripe: StripeClient(configuration: configuration.stripe.api, logger: logger), settings: usage,
                plans: plans, publisher: amqp, registry: registry, logger: logger))))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services + runners,
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger)
        // The shutdown has a bound: after it, what is still running is cancelled (unacked
        // deliveries return to the queue), and after a few more seconds the process exits.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ListenError(host: configuration.http.host, port: configuration.http.port,
                              operatorListener: operatorListener.map { ($0.host, $0.port) })
        }
    }
}
