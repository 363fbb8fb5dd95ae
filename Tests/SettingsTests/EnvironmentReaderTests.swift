import Intake
import Testing

@testable import Settings

@Suite("Configuration")
struct ConfigurationTests {
    static let complete: [String: String] = [
        "BILLING_AMQP_URL": "amqp://guest:guest@127.0.0.1:5682/%2f",
        "BILLING_DATABASE_URL": "postgres://billing:pgsecret@127.0.0.1:5442/billing",
        "STRIPE_WEBHOOK_SECRETS": "whsec_current,whsec_previous",
        "STRIPE_API_KEY": "sk_test_abcdefghijkl",
        "STRIPE_API_BASE": "http://127.0.0.1:12111",
        "BILLING_INTERNAL_SECRET": "internal-secret-0123456789",
        "BILLING_OPS_TOKEN": "ops-token-0123456789abcdef",
        "BILLING_HTTP_HOST": "0.0.0.0",
        "BILLING_HTTP_PORT": "9090",
        "BILLING_HTTP_THREADS": "3",
    ]

    @Test func smtpCredentialsRequireTLSUnlessInsecureAuthIsAllowedOutright() throws {
        var environment = Self.complete
        environment["BILLING_SMTP_URL"] = "smtp://mail.example:587"
        environment["BILLING_SMTP_USERNAME"] = "billing"
        environment["BILLING_SMTP_PASSWORD"] = "smtp-password"
        // With a password and no TLS setting: STARTTLS is required.
        #expect(try ServeConfiguration(environment: EnvironmentReader(environment)).notifications.smtp?.tls == .required)
        for weak in ["none", "opportunistic"] {
            environment["BILLING_SMTP_TLS"] = weak
            #expect(throws: ConfigurationError.self, "\(weak)") { try ServeConfiguration(environment: EnvironmentReader(environment)) }
            environment["BILLING_SMTP_ALLOW_INSECURE_AUTH"] = "true"
            #expect(try ServeConfiguration(environment: EnvironmentReader(environment)).notifications.smtp?.tls.rawValue == weak)
            environment["BILLING_SMTP_ALLOW_INSECURE_AUTH"] = nil
        }
        // smtps:// is TLS from the first byte; without credentials nothing is at stake.
        environment["BILLING_SMTP_URL"] = "smtps://mail.example:465"
        environment["BILLING_SMTP_TLS"] = "none"
        #expect(throws: Never.self) { try ServeConfiguration(environment: EnvironmentReader(environment)) }
        environment["BILLING_SMTP_URL"] = "smtp://relay.local:25"
        environment["BILLING_SMTP_USERNAME"] = nil
        environment["BILLING_SMTP_PASSWORD"] = nil
        #expect(try ServeConfiguration(environment: EnvironmentReader(environment)).notifications.smtp?.tls.rawValue == "none")
    }

    @Test func theOperatorListenerIsApartOnlyWhenItsPortIsSet() throws {
        #expect(try ServeConfiguration(environment: EnvironmentReader(Self.complete)).http.operatorListener == nil)
        var environment = Self.complete
        environment["BILLING_OPS_HTTP_PORT"] = "9191"
        #expect(try ServeConfiguration(environment: EnvironmentReader(environment)).http.operatorListener?.port == 9191)
        #expect(try ServeConfiguration(environment: EnvironmentReader(environment)).http.operatorListener?.host == "127.0.0.1")
        environment["BILLING_OPS_HTTP_HOST"] = "10.0.0.5"
        #expect(try ServeConfiguration(environment: EnvironmentReader(environment)).http.operatorListener?.host == "10.0.0.5")
    }

    @Test func aCompleteEnvironmentLoads() throws {
        let configuration = try ServeConfiguration(environment: EnvironmentReader(Self.complete))
        #expect(configuration.amqp.port == 5682)
        #expect(configuration.database.database == "billing")
        #expect(configuration.database.password == "pgsecret")
        #expect(configuration.stripe.webhookSecrets.map(\.value) == ["whsec_current", "whsec_previous"])
        #expect(configuration.stripe.apiBase.absoluteString == "http://127.0.0.1:12111")
        #expect(configuration.http == HTTPSettings(host: "0.0.0.0", port: 9090, eventLoopThreads: 3))
    }

    @Test(arguments: [
        "BILLING_AMQP_URL", "BILLING_DATABASE_URL", "STRIPE_WEBHOOK_SECRETS", "STRIPE_API_KEY",
        "BILLING_INTERNAL_SECRET", "BILLING_OPS_TOKEN",
    ])
    func eachMissingVariableIsNamed(_ variable: String) {
        var environment = Self.complete
        environment[variable] = nil
        #expect(throws: ConfigurationError.missing(variable: variable)) {
            try ServeConfiguration(environment: EnvironmentReader(environment))
        }
        environment[variable] = "   "
        #expect(throws: ConfigurationError.missing(variable: variable)) {
            try ServeConfiguration(environment: EnvironmentReader(environment))
        }
    }

    @Test(arguments: [
        ("BILLING_AMQP_URL", "http://127.0.0.1"),
        ("BILLING_DATABASE_URL", "mysql://x@y/z"),
        ("STRIPE_WEBHOOK_SECRETS", "not-a-whsec-secret-value"),
        ("STRIPE_API_KEY", "pk_test_publishable_key"),
        ("STRIPE_API_BASE", "ftp://files"),
        ("BILLING_INTERNAL_SECRET", "short-secret"),
        ("BILLING_OPS_TOKEN", "short-token"),
        ("BILLING_HTTP_PORT", "80000"),
        ("BILLING_HTTP_THREADS", "0"),
        ("BILLING_LOG_LEVEL", "verbose"),
    ])
    func malformedVariablesAreNamedWithoutTheirValue(variable: String, value: String) {
        var environment = Self.complete
        environment[variable] = value
        let reader = EnvironmentReader(environment)
        do {
            _ = try ServeConfiguration(environment: reader)
            _ = try reader.logLevel()
            Issue.record("expected \(variable) to be refused")
        } catch {
            guard case .invalid(let named, let reason) = error else {
                Issue.record("expected .invalid, got \(error)")
                return
            }
            #expect(named == variable)
            #expect(!reason.contains(value))
            #expect(error.description.contains(variable))
        }
    }

    @Test func secretsAreRedactedWhenPrinted() throws {
        let configuration = try ServeConfiguration(environment: EnvironmentReader(Self.complete))
        let printed = "\(configuration)"
        for secret in ["pgsecret", "whsec_current", "sk_test_abcdefghijkl", "internal-secret-0123456789", "ops-token-0123456789abcdef"] {
            #expect(!printed.contains(secret), "\(secret) leaked")
        }
    }

    @Test func privateWebhookNetworksAreOffUnlessAskedFor() throws {
        var environment = Self.complete
        #expect(try ServeConfiguration(environment: EnvironmentReader(environment)).notifications.allowPrivateWebhookNetworks == false)
        environment["BILLING_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "true"
        #expect(try ServeConfiguration(environment: EnvironmentReader(environment)).notifications.allowPrivateWebhookNetworks)
        environment["BILLING_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "yes"
        #expect(throws: ConfigurationError.self) { try ServeConfiguration(environment: EnvironmentReader(environment)) }
    }
}
