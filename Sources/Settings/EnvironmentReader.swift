import AMQP
import BillingCore
import Dunning
import Foundation
import Intake
import Logging
import Notifications
import Storage
import Stripe
import Usage

/// The environment variables (README, "Configuration"), read once at start-up.
///
/// Each section is loaded on its own, so a command asks only for what it uses (`migrate` needs
/// the database, not Stripe's keys).
public struct EnvironmentReader: Sendable {
    /// The variables read, by name.
    let variables: [String: String]

    /// Reads from `variables`, by default the process environment.
    public init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    func required(_ name: String) throws(ConfigurationError) -> String {
        guard let value = variables[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            throw .missing(variable: name)
        }
        return value
    }

    func optional(_ name: String) -> String? {
        guard let value = variables[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = optional(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw .invalid(variable: name, reason: "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `BILLING_AMQP_URL`, `BILLING_AMQP_CONFIRM_TIMEOUT_MS` (default 10000) and
    /// `BILLING_AMQP_MAX_IN_FLIGHT` (messages waiting for confirms at once, default 20000).
    public func amqp() throws(ConfigurationError) -> AMQPConfiguration {
        let name = "BILLING_AMQP_URL"
        do {
            var configuration = try AMQPConfiguration(url: required(name))
            configuration.confirmTimeout = .milliseconds(try integer("BILLING_AMQP_CONFIRM_TIMEOUT_MS", default: 10_000, range: 100...600_000))
            configuration.maxInFlightPublishes = try integer("BILLING_AMQP_MAX_IN_FLIGHT", default: 20_000, range: 1...1_000_000)
            return configuration
        } catch let error as AMQPError {
            if case .invalidURL(let reason) = error { throw .invalid(variable: name, reason: reason) }
            throw .invalid(variable: name, reason: error.description)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw .invalid(variable: name, reason: "\(error)")
        }
    }

    /// `BILLING_DATABASE_URL`.
    public func database() throws(ConfigurationError) -> DatabaseConfiguration {
        let name = "BILLING_DATABASE_URL"
        let url = try required(name)
        do {
            return try DatabaseConfiguration(url: url)
        } catch {
            if case .invalidURL(let reason) = error { throw .invalid(variable: name, reason: reason) }
            throw .invalid(variable: name, reason: error.description)
        }
    }

    /// `BILLING_HTTP_HOST` (default 127.0.0.1), `BILLING_HTTP_PORT` (default 8080) and
    /// `BILLING_HTTP_HEADER_TIMEOUT_MS`, `BILLING_HTTP_BODY_TIMEOUT_MS`, `BILLING_HTTP_IDLE_TIMEOUT_MS`,
    /// `BILLING_HTTP_MAX_CONNECTIONS`, `BILLING_HTTP_MAX_UNVERIFIED` (see ``ClientLimits``);
    /// `BILLING_HTTP_THREADS`, the HTTP event-loop threads (default: half the cores, at least 1;
    /// the intake mostly waits on the broker, and on 2 cores one loop measured 6% faster).
    func http() throws(ConfigurationError) -> HTTPSettings {
        var settings = HTTPSettings(host: optional("BILLING_HTTP_HOST") ?? "127.0.0.1",
                                    port: try integer("BILLING_HTTP_PORT", default: 8080, range: 0...65535),
                                    eventLoopThreads: try integer("BILLING_HTTP_THREADS",
                                                                  default: max(1, ProcessInfo.processInfo.activeProcessorCount / 2),
                                                                  range: 1...256))
        settings.clientLimits.headerTimeout = .milliseconds(try integer("BILLING_HTTP_HEADER_TIMEOUT_MS", default: 10_000, range: 100...600_000))
        settings.clientLimits.bodyTimeout = .milliseconds(try integer("BILLING_HTTP_BODY_TIMEOUT_MS", default: 30_000, range: 100...600_000))
        settings.clientLimits.idleTimeout = .milliseconds(try integer("BILLING_HTTP_IDLE_TIMEOUT_MS", default: 60_000, range: 100...3_600_000))
        settings.clientLimits.maxConnections = try integer("BILLING_HTTP_MAX_CONNECTIONS", default: 10_000, range: 1...1_000_000)
        settings.clientLimits.maxUnverifiedRequests = try integer("BILLING_HTTP_MAX_UNVERIFIED", default: 1_024, range: 1...1_000_000)
        // The operator endpoints on a listener of their own, so only the webhooks face the internet.
        if optional("BILLING_OPS_HTTP_PORT") != nil {
            settings.operatorListener = (optional("BILLING_OPS_HTTP_HOST") ?? "127.0.0.1",
                                         try integer("BILLING_OPS_HTTP_PORT", default: 8081, range: 0...65535))
        }
        return settings
    }

    /// `STRIPE_WEBHOOK_SECRETS` (comma-separated, for rotation), `STRIPE_API_KEY`, `STRIPE_API_BASE`.
    func stripe() throws(ConfigurationError) -> StripeSettings {
        let secretsName = "STRIPE_WEBHOOK_SECRETS"
        let secrets = try required(secretsName).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !secrets.isEmpty, secrets.allSatisfy({ $0.hasPrefix("whsec_") && $0.count > 6 }) else {
            throw .invalid(variable: secretsName, reason: "expected one or more comma-separated secrets starting with whsec_")
        }
        let key = try required("STRIPE_API_KEY")
        guard key.hasPrefix("sk_") || key.hasPrefix("rk_") else {
            throw .invalid(variable: "STRIPE_API_KEY", reason: "expected a secret key starting with sk_ or rk_")
        }
        let baseText = optional("STRIPE_API_BASE") ?? "https://api.stripe.com"
        guard let base = URL(string: baseText), let scheme = base.scheme, ["http", "https"].contains(scheme), base.host != nil else {
            throw .invalid(variable: "STRIPE_API_BASE", reason: "expected an http(s) URL such as https://api.stripe.com")
        }
        return StripeSettings(webhookSecrets: secrets.map(Secret.init), apiKey: Secret(key), apiBase: base)
    }

    /// `BILLING_INTERNAL_SECRET`: the HMAC key of the platform's internal events.
    func internalSecret() throws(ConfigurationError) -> Secret {
        let value = try required("BILLING_INTERNAL_SECRET")
        guard value.utf8.count >= 16 else {
            throw .invalid(variable: "BILLING_INTERNAL_SECRET", reason: "must be at least 16 bytes long")
        }
        return Secret(value)
    }

    /// `BILLING_OPS_TOKEN`: the bearer token of the operator endpoints.
    func opsToken() throws(ConfigurationError) -> Secret {
        let value = try required("BILLING_OPS_TOKEN")
        guard value.utf8.count >= 16 else {
            throw .invalid(variable: "BILLING_OPS_TOKEN", reason: "must be at least 16 bytes long")
        }
        return Secret(value)
    }

    /// `BILLING_LOG_LEVEL` (trace, debug, info, notice, warning, error, critical; default info).
    package func logLevel() throws(ConfigurationError) -> Logger.Level {
        guard let text = optional("BILLING_LOG_LEVEL") else { return .info }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw .invalid(variable: "BILLING_LOG_LEVEL", reason: "expected one of trace, debug, info, notice, warning, error, critical")
        }
        return level
    }

    /// Sends every logger of the process to standard error at `BILLING_LOG_LEVEL`; once, at
    /// start-up, before anything logs.
    public func bootstrapLogging() throws(ConfigurationError) {
        let level = try logLevel()
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
            return handler
        }
    }

    /// `BILLING_DUNNING_FILE` (default `config/dunning.yaml`), `BILLING_DAY_SECONDS` (the length
    /// of a schedule "day", default 86400: shorter for tests and demos) and
    /// `BILLING_SCHEDULER_INTERVAL_MS` (how often the scheduler looks for due steps, default 1000).
    func dunning() throws(ConfigurationError) -> DunningSettings {
        DunningSettings(policyFile: optional("BILLING_DUNNING_FILE") ?? "config/dunning.yaml",
                        daySeconds: Int64(try integer("BILLING_DAY_SECONDS", default: 86_400, range: 1...86_400)),
                        schedulerInterval: .milliseconds(try integer("BILLING_SCHEDULER_INTERVAL_MS", default: 1_000, range: 10...600_000)))
    }

    /// `BILLING_NOTIFICATIONS_FILE` (default `config/notifications.yaml`); the SMTP server:
    /// `BILLING_SMTP_URL` (`smtp://host:port` or `smtps://host:port`; unset: emails go to the
    /// log), `BILLING_SMTP_TLS` (`none`, `opportunistic` (default) or `required`, for
    /// STARTTLS on smtp://), `BILLING_SMTP_USERNAME`, `BILLING_SMTP_PASSWORD`,
    /// `BILLING_SMTP_CA_FILE`, `BILLING_SMTP_TIMEOUT_MS` (default 30000). With a password, TLS is
    /// `required` by default, and `none` or `opportunistic` (which a man in the middle can strip)
    /// are refused unless `BILLING_SMTP_ALLOW_INSECURE_AUTH=true`;
    /// `BILLING_SMTP_CONNECTIONS` (default 4); `BILLING_WEBHOOK_TIMEOUT_MS` (default 10000);
    /// `BILLING_WEBHOOK_ALLOW_PRIVATE_NETWORKS` (`true` or `false`, default false).
    func notifications() throws(ConfigurationError) -> NotificationDeliverySettings {
        var smtp: SMTPSettings?
        if let url = optional("BILLING_SMTP_URL") {
            guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
                throw .invalid(variable: "BILLING_SMTP_URL", reason: "expected smtp://host:port or smtps://host:port")
            }
            let username = optional("BILLING_SMTP_USERNAME")
            let password = optional("BILLING_SMTP_PASSWORD")
            if username != nil, password == nil { throw .missing(variable: "BILLING_SMTP_PASSWORD") }
            // Credentials never travel in clear by default.
            let tlsName = optional("BILLING_SMTP_TLS") ?? (password == nil ? "opportunistic" : "required")
            guard let tls = SMTPSettings.TLS(rawValue: tlsName) else {
                throw .invalid(variable: "BILLING_SMTP_TLS", reason: "expected none, opportunistic or required")
            }
            if password != nil, url.hasPrefix("smtp://"), tls != .required, optional("BILLING_SMTP_ALLOW_INSECURE_AUTH") != "true" {
                throw .invalid(variable: "BILLING_SMTP_TLS", reason: "\(tlsName) would let the SMTP password travel unencrypted; "
                    + "use required (or smtps://), or set BILLING_SMTP_ALLOW_INSECURE_AUTH=true for a trusted local relay")
            }
            smtp = SMTPSettings(url: url, tls: tls, username: username, password: password.map(Secret.init),
                                caFile: optional("BILLING_SMTP_CA_FILE"),
                                timeout: .milliseconds(try integer("BILLING_SMTP_TIMEOUT_MS", default: 30_000, range: 100...600_000)),
                                connections: try integer("BILLING_SMTP_CONNECTIONS", default: 4, range: 1...64))
        }
        var settings = NotificationDeliverySettings(
            file: optional("BILLING_NOTIFICATIONS_FILE") ?? "config/notifications.yaml", smtp: smtp,
            webhookTimeout: .milliseconds(try integer("BILLING_WEBHOOK_TIMEOUT_MS", default: 10_000, range: 100...120_000)))
        switch optional("BILLING_WEBHOOK_ALLOW_PRIVATE_NETWORKS") {
        case nil, "false": break
        case "true": settings.allowPrivateWebhookNetworks = true
        default: throw .invalid(variable: "BILLING_WEBHOOK_ALLOW_PRIVATE_NETWORKS", reason: "expected true or false")
        }
        return settings
    }

    /// `BILLING_USAGE_FILE` (default `config/usage.yaml`: meters and the reporter's settings) and
    /// `BILLING_USAGE_REPORT_INTERVAL_MS` (overrides the file's `reporting.interval`).
    func usage() throws(ConfigurationError) -> UsageFileSettings {
        let interval = optional("BILLING_USAGE_REPORT_INTERVAL_MS") == nil ? nil
            : Duration.milliseconds(try integer("BILLING_USAGE_REPORT_INTERVAL_MS", default: 3_600_000, range: 100...86_400_000))
        return UsageFileSettings(file: optional("BILLING_USAGE_FILE") ?? "config/usage.yaml", reportInterval: interval)
    }

    /// `BILLING_PLANS_FILE` (default `config/plans.yaml`, relative to the working directory).
    func plansFile() -> String {
        optional("BILLING_PLANS_FILE") ?? "config/plans.yaml"
    }

    /// `BILLING_CONSUMERS_DIR` (default `consumers`, relative to the working directory).
    public func consumersDirectory() -> String {
        optional("BILLING_CONSUMERS_DIR") ?? "consumers"
    }
}
