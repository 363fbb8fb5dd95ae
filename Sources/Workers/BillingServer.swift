import AMQP
import Intake
import Logging
import ServiceLifecycle
import Storage

/// `billing serve`: the intake, every consumer and the scheduler in one process, each a
/// `Service` in one `ServiceGroup`, so SIGTERM or SIGINT drains and closes them in order.
public struct BillingServer: Sendable {
    public var configuration: ServeConfiguration
    public var logger: Logger

    public init(configuration: ServeConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT.
    public func run() async throws {
        let amqp = AMQPConnection(configuration: configuration.amqp, logger: logger)
        let database = Database(configuration: configuration.database, logger: logger)
        let readinessLogger = logger
        let intake = IntakeApplication(
            settings: IntakeSettings(stripeWebhookSecrets: configuration.stripe.webhookSecrets.map(\.value),
                                     internalSecret: configuration.internalSecret.value),
            publisher: amqp,
            readiness: ReadinessChecks([
                ("broker", { amqp.isConnected }),
                ("database", { await database.isReachable(logger: readinessLogger) }),
            ]),
            logger: logger)
        let http = intake.makeServer(host: configuration.http.host, port: configuration.http.port)
        // Started in order and shut down in reverse: the HTTP server stops taking requests
        // before the broker connection and the database pool close.
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: database.client),
                .init(service: amqp),
                .init(service: http),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger))
        try await group.run()
    }
}
