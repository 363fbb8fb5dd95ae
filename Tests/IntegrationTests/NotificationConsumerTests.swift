import AMQP
import BillingCore
import Foundation
import Logging
import Messages
import PostgresNIO
import Prometheus
import Storage
import Stripe
import StripeFixtures
import Testing

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

/// The notifications handler with the project's own settings and templates, against the real
/// PostgreSQL and a real SMTP server / webhook receiver.
struct NotificationHarness {
    let database: Database
    let registry: PrometheusCollectorRegistry
    let handler: NotificationHandler
    let tenant: String
    let logger = TestServers.logger

    static let settings = try! NotificationSettingsFile.load(
        path: TestServers.repositoryRoot.appendingPathComponent("config/notifications.yaml").path)
    static let templates = try! NotificationTemplates(directory: settings.templatesDirectory)
    static let plans = try! PlanCatalogFile.load(path: TestServers.repositoryRoot.appendingPathComponent("config/plans.yaml").path)

    /// The receivers of these tests listen on loopback, so private networks are allowed unless
    /// a test asks for the production `webhookPolicy`.
    static func run(smtp: SMTPSettings?, claimLease: Duration = .seconds(120), contacts: [String: [String]]? = nil,
                    webhookPolicy: WebhookURLPolicy = WebhookURLPolicy(allowPrivateNetworks: true),
                    _ body: (NotificationHarness) async throws -> Void) async throws {
        let logger = TestServers.logger
        try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
            try await Migrator().migrate(database.client, logger: logger)
            let registry = PrometheusCollectorRegistry()
            let tenant = TestServers.unique("tenant_notify")
            let handler = NotificationHandler(settings: settings, templates: templates, plans: plans, database: database.client,
                                              mailer: smtp.map(SMTPMailer.init(settings:)), webhooks: WebhookSender(timeout: .seconds(5), policy: webhookPolicy, logger: logger),
                                              registry: registry, logger: logger, claimLease: claimLease)
            let harness = NotificationHarness(database: database, registry: registry, handler: handler,
                                              tenant: tenant)
            try await harness.account(contacts: contacts ?? [
                "billing": ["billing@\(tenant).example"], "admin": ["admin@\(tenant).example"], "account_manager": ["am@northwind.example"],
            ])
            try await body(harness)
        }
    }

    func account(contacts: [String: [String]]) async throws {
        let json = String(decoding: try JSONEncoder().encode(contacts), as: UTF8.self)
        try await database.client.query("""
            INSERT INTO billing_accounts (stripe_customer_id, tenant_id, company, billing_email, contacts, last_event_created, last_event_id)
            VALUES (\("cus_" + tenant), \(tenant), 'Acme Analytics GmbH', \(contacts["billing"]?.first), \(json)::jsonb, 1, 'evt_test')
            ON CONFLICT (stripe_customer_id) DO UPDATE SET contacts = excluded.contacts
            """, logger: logger)
    }

    /// A request key of this test's own (rows of earlier runs stay in the database).
    func scoped(_ key: String) -> String { "\(tenant)/\(key)" }

    /// A request as the dunning consumer publishes it.
    func request(id: String = UUID().uuidString, key unscoped: String, template: String = "payment_failed",
                 roles: [String] = ["billing", "admin"], data: String? = nil) -> InboundEvent {
        let key = scoped(unscoped)
        let payload = data ?? #"{"case_id":"dc_in_1","invoice_id":"in_1","amount_due":80000,"currency":"usd","invoice_url":"https://invoice.stripe.com/i/in_1","days_until_suspension":45}"#
        let roleList = roles.map { "\"\($0)\"" }.joined(separator: ",")
        let body = #"{"id":"notify:\#(key)","type":"notification.requested","occurred_at":"2026-11-25T10:00:00Z","tenant_id":"\#(tenant)","data":{"key":"\#(key)","template":"\#(template)","roles":[\#(roleList)],"data":\#(payload)}}"#
        return InboundEvent(id: id, routingKey: "internal.notification.requested", type: "notification.requested", body: Array(body.utf8), attempt: 1)
    }

    func rows(_ key: String) async throws -> [NotificationRecord] {
        try await outbox { try await $0.deliveries(requestKey: scoped(key)) }
    }

    /// Runs `body` with the outbox store on a leased connection.
    func outbox<Result>(_ body: (NotificationStore) async throws -> sending Result) async throws -> sending Result {
        try await NotificationStore.withConnection(on: database.client, logger: logger, body)
    }

    func metric(_ line: String) -> Int {
        let found = registry.emitToString().split(separator: "\n").first { $0.hasPrefix(line + " ") }
        return found.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }
}

extension Integration {
    @Suite("Notifications against PostgreSQL, a real SMTP server and a webhook receiver")
    struct NotificationConsumerTests {
        @Test func theSameRequestThreeTimesSendsOneEmailPerRecipient() async throws {
            let sink = try SMTPSink()
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none)) { (harness) async throws -> Void in
                let key = "dc_in_dup:notify-d0"
                #expect(try await harness.handler.handle(harness.request(key: key), logger: harness.logger))
                // Again with the same event id, and with a new event id for the same key.
                #expect(try await !harness.handler.handle(harness.request(key: key), logger: harness.logger))
                #expect(try await !harness.handler.handle(harness.request(id: "other", key: key), logger: harness.logger))
                let messages = try sink.messages()
                #expect(messages.map(\.rcpt_tos).sorted { $0[0] < $1[0] } == [["admin@\(harness.tenant).example"], ["billing@\(harness.tenant).example"]])
                #expect(Set(messages.map(\.subject)) == ["Payment of $800.00 failed for Acme Analytics GmbH"])
                let rows = try await harness.rows(key)
                #expect(rows.map(\.status) == [.sent, .sent])
                #expect(rows.allSatisfy { $0.attempts == 1 && ($0.providerResponse ?? "").contains("queued as SINK") })
                // Each message names its notification: a receiver can drop a repeat by Message-ID.
                #expect(Set(messages.map(\.message_id)).count == 2)
                #expect(messages.allSatisfy { $0.auto_submitted == "auto-generated" && $0.mail_from == "billing@northwind.example" })
                #expect(harness.metric(#"billing_notifications_sent_total{channel="email",template="payment_failed"}"#) == 2)
            }
        }

        @Test func theEmailCarriesTheRenderedTextAndHTML() async throws {
            let sink = try SMTPSink()
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none)) { (harness) async throws -> Void in
                _ = try await harness.handler.handle(harness.request(key: "dc_in_body:notify-d0", roles: ["billing"]), logger: harness.logger)
                let message = try #require(try sink.messages().first)
                let text = try #require(message.text)
                let html = try #require(message.html)
                #expect(text.contains("We could not collect $800.00 (USD) for invoice in_1 of Acme Analytics GmbH."))
                #expect(text.contains("suspended in 45 days"))
                #expect(text.contains("https://invoice.stripe.com/i/in_1"))
                #expect(text.contains("Northwind Cloud, Inc."))
                #expect(html.contains("<strong>$800.00</strong>"))
                #expect(html.contains("background:#2F5BEA"))
                #expect(html.contains(#"href="https://invoice.stripe.com/i/in_1""#))
                #expect(message.from == "Northwind Cloud Billing <billing@northwind.example>")
            }
        }

        @Test func smtpDownIsRetriedThroughTheRunnerThenDeliveredOnce() async throws {
            let sink = try SMTPSink()
            sink.stop()  // the port is known; nothing listens on it now
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none, connectTimeout: .seconds(2))) { (harness) async throws -> Void in
                var consumer = RunnerHarness.consumer(maxAttempts: 50)
                consumer.retryDelays = [.milliseconds(300)]
                try await RunnerHarness.run(consumer: consumer, handlers: [harness.handler]) { (runner) async throws -> Void in
                    let key = "dc_in_down:notify-d0"
                    let event = harness.request(key: key, roles: ["billing"])
                    var properties = AMQPProperties(contentType: "application/json", messageID: event.id, type: event.type)
                    properties.headers[MessageHeader.originalRoutingKey] = .string(event.routingKey)
                    try await runner.publisher.publish(AMQPMessage(exchange: "", routingKey: consumer.queue, body: event.body, properties: properties))
                    #expect(try await eventually(timeout: .seconds(20)) {
                        let rows = try await harness.rows(key)
                        return rows.first.map { $0.status == .pending && $0.attempts >= 2 && ($0.lastError ?? "").contains("SMTP") } ?? false
                    })
                    try sink.start()
                    #expect(try await eventually(timeout: .seconds(20)) { try await harness.rows(key).first?.status == .sent })
                    try await Task.sleep(for: .seconds(1))  // any extra delivery would arrive by now
                    #expect(try sink.messages().count == 1)
                    #expect(runner.metric("retried") >= 1)
                    #expect(try await runner.deadLetterCount() == 0)
                }
            }
        }

        @Test func aRejectedRecipientFailsItsRowAndTheOthersAreDelivered() async throws {
            let sink = try SMTPSink(reject: "bounce")
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none)) { (harness) async throws -> Void in
                try await harness.account(contacts: ["billing": ["bounce@\(harness.tenant).example", "ok@\(harness.tenant).example"],
                                                     "admin": ["admin@\(harness.tenant).example"]])
                let key = "dc_in_bounce:notify-d0"
                // A permanent failure does not make the request fail: the queue moves on.
                _ = try await harness.handler.handle(harness.request(key: key), logger: harness.logger)
                let rows = try await harness.rows(key)
                let bounced = try #require(rows.first { $0.recipient.hasPrefix("bounce@") })
                #expect(bounced.status == .failed)
                #expect((bounced.lastError ?? "").contains("SMTP 550"))
                #expect(rows.filter { $0.status == .sent }.map(\.recipient).sorted()
                        == ["admin@\(harness.tenant).example", "ok@\(harness.tenant).example"])
                #expect(Set(try sink.messages().flatMap(\.rcpt_tos)) == ["admin@\(harness.tenant).example", "ok@\(harness.tenant).example"])
                // Asked again, nothing is retried: failed is final.
                _ = try await harness.handler.handle(harness.request(key: key), logger: harness.logger)
                #expect(try sink.messages().count == 2)
                #expect(harness.metric(#"billing_notifications_failed_total{channel="email",template="payment_failed"}"#) == 1)
            }
        }

        @Test func aRoleWithoutAnAddressIsSkippedAndCounted() async throws {
            let sink = try SMTPSink()
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none),
                                              contacts: ["billing": ["only-billing@example.com"]]) { (harness) async throws -> Void in
                let key = "dc_in_noadmin:notify-d0"
                #expect(try await harness.handler.handle(harness.request(key: key, roles: ["billing", "admin", "account_manager"]),
                                                         logger: harness.logger))
                #expect(try await harness.rows(key).map(\.recipient) == ["only-billing@example.com"])
                #expect(harness.metric(#"billing_notifications_skipped_total{role="admin",channel="email"}"#) == 1)
                #expect(harness.metric(#"billing_notifications_skipped_total{role="account_manager",channel="email"}"#) == 1)
                // The tenant has no webhook endpoint either: skipped, not an error.
                #expect(harness.metric(#"billing_notifications_skipped_total{role="billing",channel="webhook"}"#) == 1)
            }
        }

        @Test func starttlsIsRequiredAndVerifiedAgainstTheConfiguredCA() async throws {
            let sink = try SMTPSink(tls: true)
            let settings = SMTPSettings(url: sink.url, tls: .required, caFile: "\(SMTPSink.tlsDirectory)/ca.pem")
            try await NotificationHarness.run(smtp: settings) { (harness) async throws -> Void in
                _ = try await harness.handler.handle(harness.request(key: "dc_in_tls:notify-d0", roles: ["billing"]), logger: harness.logger)
                #expect(try sink.messages().map(\.tls) == [true])
            }
            // Without the CA the certificate is not trusted: nothing is sent, and it is worth a retry.
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .required)) { (harness) async throws -> Void in
                let key = "dc_in_untrusted:notify-d0"
                await #expect(throws: TransientFailure.self) {
                    _ = try await harness.handler.handle(harness.request(key: key, roles: ["billing"]), logger: harness.logger)
                }
                #expect(try await harness.rows(key).map(\.status) == [.pending])
            }
        }

        @Test func smtpAuthIsPresentedAndAWrongPasswordIsRetriedNotFailed() async throws {
            let sink = try SMTPSink(auth: "billing-worker:s3cret-pw")
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none, username: "billing-worker",
                                                                 password: Secret("s3cret-pw"))) { (harness) async throws -> Void in
                _ = try await harness.handler.handle(harness.request(key: "dc_in_auth:notify-d0", roles: ["billing"]), logger: harness.logger)
                #expect(try sink.messages().map(\.auth_user) == ["billing-worker"])
            }
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none, username: "billing-worker",
                                                                 password: Secret("wrong"))) { (harness) async throws -> Void in
                let key = "dc_in_badauth:notify-d0"
                // The server is fine with the recipient; the configuration is not: keep the row for a retry.
                await #expect(throws: TransientFailure.self) {
                    _ = try await harness.handler.handle(harness.request(key: key, roles: ["billing"]), logger: harness.logger)
                }
                let row = try #require(try await harness.rows(key).first)
                #expect(row.status == .pending)
                #expect(row.lastError?.contains("SMTP authentication failed") == true)
                #expect(try sink.messages().count == 1)
            }
        }

        @Test func webhooksAreSignedAndTheReferenceLibraryVerifiesThem() async throws {
            let secret = StandardWebhookSignature.newSecret()
            let receiver = try WebhookReceiver(secret: secret, failFirst: 1)
            try await NotificationHarness.run(smtp: nil, contacts: ["billing": ["b@example.com"]]) { (harness) async throws -> Void in
                try await harness.outbox { try await $0.setWebhookEndpoint(WebhookEndpointRecord(tenantID: harness.tenant, url: receiver.url(), secret: secret)) }
                let key = "dc_in_hook:notify-d0"
                // The first answer is a 503: the request is retried, the email (logged) is not resent.
                await #expect(throws: TransientFailure.self) {
                    _ = try await harness.handler.handle(harness.request(key: key, roles: ["billing"]), logger: harness.logger)
                }
                #expect(try await harness.rows(key).first { $0.channel == "webhook" }?.status == .pending)
                #expect(try await harness.handler.handle(harness.request(key: key, roles: ["billing"]), logger: harness.logger))
                let requests = try receiver.requests()
                #expect(requests.count == 2)
                #expect(requests.allSatisfy { $0.verified })
                #expect(requests.map(\.status) == [503, 204])
                #expect(Set(requests.compactMap(\.id)).count == 1)  // one notification, one webhook-id
                let payload = try JSONDecoder().decode(JSONValue.self, from: Data(requests[1].body.utf8)).objectValue ?? [:]
                let data = payload["data"]?.objectValue ?? [:]
                #expect(payload["type"]?.stringValue == "billing.payment_failed")
                #expect(data["tenant_id"]?.stringValue == harness.tenant)
                #expect(data["invoice_id"]?.stringValue == "in_1")
                #expect(data["subject"]?.stringValue == "Payment of $800.00 failed for Acme Analytics GmbH")
                let rows = try await harness.rows(key)
                #expect(rows.map(\.channel).sorted() == ["email", "webhook"])
                #expect(rows.allSatisfy { $0.status == .sent })
            }
        }

        @Test func aWebhookSignedWithAnotherSecretIsRefusedByTheReceiver() async throws {
            let receiver = try WebhookReceiver(secret: StandardWebhookSignature.newSecret())
            try await NotificationHarness.run(smtp: nil, contacts: [:]) { (harness) async throws -> Void in
                try await harness.outbox { try await $0.setWebhookEndpoint(WebhookEndpointRecord(
                    tenantID: harness.tenant, url: receiver.url(), secret: StandardWebhookSignature.newSecret())) }
                let key = "dc_in_wrongsecret:notify-d0"
                _ = try await harness.handler.handle(harness.request(key: key, roles: ["billing"]), logger: harness.logger)
                #expect(try receiver.requests().map(\.verified) == [false])
                // The receiver's 400 is final for this notification.
                #expect(try await harness.rows(key).map(\.status) == [.failed])
            }
        }

        /// A 2xx is a delivery, however long the answer: the sender keeps its start and stops reading.
        @Test func aTwoHundredWithAMebibyteBodyCountsAsDelivered() async throws {
            let secret = StandardWebhookSignature.newSecret()
            let receiver = try WebhookReceiver(secret: secret)
            try await NotificationHarness.run(smtp: nil, contacts: [:]) { (harness) async throws -> Void in
                try await harness.outbox { try await $0.setWebhookEndpoint(WebhookEndpointRecord(tenantID: harness.tenant, url: receiver.url("/chatty"), secret: secret)) }
                let key = "dc_in_chatty:notify-d0"
                #expect(try await harness.handler.handle(harness.request(key: key, roles: ["billing"]), logger: harness.logger))
                let row = try #require(try await harness.rows(key).first)
                #expect(row.status == .sent)
                #expect(row.providerResponse?.hasPrefix("HTTP 200") == true)
                #expect((row.providerResponse?.utf8.count ?? 0) < 8_192, "only the start of the answer is kept")
            }
        }

        @Test func aGoneEndpointFailsTheRowWithoutBlockingTheQueue() async throws {
            let secret = StandardWebhookSignature.newSecret()
            let receiver = try WebhookReceiver(secret: secret)
            try await NotificationHarness.run(smtp: nil, contacts: [:]) { (harness) async throws -> Void in
                try await harness.outbox { try await $0.setWebhookEndpoint(WebhookEndpointRecord(tenantID: harness.tenant, url: receiver.url("/gone"), secret: secret)) }
                let key = "dc_in_gone:notify-d0"
                _ = try await harness.handler.handle(harness.request(key: key, roles: ["billing"]), logger: harness.logger)
                let row = try #require(try await harness.rows(key).first)
                #expect(row.status == .failed)
                #expect(row.lastError?.hasPrefix("HTTP 410") == true)
            }
        }

        /// An endpoint that reached the database pointing at this machine (stored before the
        /// policy, or a name that has since been re-pointed: DNS rebinding) is refused when the
        /// delivery connects, and the receiver listening there gets nothing.
        @Test func aWebhookToAPrivateAddressIsRefusedAtConnectTime() async throws {
            let secret = StandardWebhookSignature.newSecret()
            let receiver = try WebhookReceiver(secret: secret)
            try await NotificationHarness.run(smtp: nil, contacts: [:], webhookPolicy: WebhookURLPolicy()) { (harness) async throws -> Void in
                for (index, url) in [receiver.url(), receiver.url().replacingOccurrences(of: "http://127.0.0.1", with: "https://localhost")].enumerated() {
                    try await harness.outbox { try await $0.setWebhookEndpoint(WebhookEndpointRecord(tenantID: harness.tenant, url: url, secret: secret)) }
                    let key = "dc_in_private\(index):notify-d0"
                    _ = try await harness.handler.handle(harness.request(key: key, roles: ["billing"]), logger: harness.logger)
                    let row = try #require(try await harness.rows(key).first)
                    #expect(row.status == .failed, "\(url)")
                    #expect(row.lastError == (index == 0 ? "the webhook URL must be https"
                        : "the webhook host resolves to 127.0.0.1, which is not a public address (loopback, private, link-local, multicast and metadata addresses are refused)")
                        || row.lastError?.contains("::1") == true, "\(row.lastError ?? "")")
                }
                #expect(try receiver.requests().isEmpty)
            }
        }

        @Test func aCrashMidSendIsResentOnceTheClaimExpires() async throws {
            let sink = try SMTPSink()
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none), claimLease: .seconds(1)) { (harness) async throws -> Void in
                let key = "dc_in_crash:notify-d0"
                let event = harness.request(key: key, roles: ["billing"])
                // A worker claimed the row and died before recording the outcome.
                let deliveryKey = "\(harness.scoped(key)):email:billing@\(harness.tenant).example"
                let claims = try await harness.outbox { try await $0.insertAndClaim([NotificationRecord(
                    deliveryKey: deliveryKey, requestKey: harness.scoped(key), tenantID: harness.tenant,
                    template: "payment_failed", channel: "email", role: "billing", recipient: "billing@\(harness.tenant).example")],
                    lease: .seconds(1)) }
                #expect(claims == [deliveryKey: .claimed(attempt: 1)])
                // While the claim holds, the redelivered request waits (retried later) instead of sending a second copy.
                await #expect(throws: TransientFailure.self) { _ = try await harness.handler.handle(event, logger: harness.logger) }
                #expect(try sink.messages().isEmpty)
                try await Task.sleep(for: .milliseconds(1_200))
                #expect(try await harness.handler.handle(event, logger: harness.logger))
                #expect(try sink.messages().count == 1)
                #expect(try await harness.rows(key).map(\.attempts) == [2])
            }
        }

        @Test func requestsInAnyOrderAreEachSentOnce() async throws {
            let sink = try SMTPSink()
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none)) { (harness) async throws -> Void in
                let failed = harness.request(key: "dc_in_order:notify-d0", roles: ["billing"])
                let recovered = harness.request(key: "dc_in_order:recovered", template: "payment_recovered", roles: ["billing"])
                for event in [recovered, failed, recovered, failed] { _ = try await harness.handler.handle(event, logger: harness.logger) }
                #expect(try sink.messages().map(\.subject).sorted()
                        == ["Payment of $800.00 failed for Acme Analytics GmbH", "Payment received: $800.00 for invoice in_1"])
            }
        }

        @Test func badRequestsAreRefusedWithTheReason() async throws {
            try await NotificationHarness.run(smtp: nil) { (harness) async throws -> Void in
                func refusal(_ event: InboundEvent) async -> String {
                    do {
                        _ = try await harness.handler.handle(event, logger: harness.logger)
                        return "accepted"
                    } catch let failure as PermanentFailure {
                        return failure.description
                    } catch {
                        return "other error: \(error)"
                    }
                }
                #expect(await refusal(harness.request(key: "k1", template: "no_such_template")).contains("no template no_such_template"))
                #expect(await refusal(harness.request(key: "k2", roles: ["ceo"])).contains("unknown role ceo"))
                let notJSON = InboundEvent(id: "bad1", routingKey: "internal.notification.requested", type: nil, body: Array("nope".utf8), attempt: 1)
                #expect(await refusal(notJSON).contains("not valid JSON"))
                let noTenant = InboundEvent(id: "bad2", routingKey: "internal.notification.requested", type: nil,
                                            body: Array(#"{"id":"x","data":{"key":"k","template":"payment_failed","roles":[]}}"#.utf8), attempt: 1)
                #expect(await refusal(noTenant).contains("has no tenant_id"))
                #expect(try await harness.rows("k1").isEmpty)
            }
        }

        @Test func trialEndingAndCancellationComeFromStripeEvents() async throws {
            let sink = try SMTPSink()
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none)) { (harness) async throws -> Void in
                let subscription = "sub_\(harness.tenant)"
                let customer = "cus_\(harness.tenant)"
                let trial = StripeFixtures.subscriptionEvent(id: "evt_trial_\(harness.tenant)", type: "customer.subscription.trial_will_end",
                                                             created: 1_765_000_000, subscription: subscription, customer: customer,
                                                             status: "trialing", price: .enterprise, periodStart: 1_764_000_000)
                let event = InboundEvent(id: "evt_trial_\(harness.tenant)", routingKey: "stripe.customer.subscription.trial_will_end",
                                         type: "customer.subscription.trial_will_end", body: Array(trial.utf8), attempt: 1)
                // The lifecycle consumer has not stored the subscription yet: retried later.
                await #expect(throws: TransientFailure.self) { _ = try await harness.handler.handle(event, logger: harness.logger) }
                let lifecycle = LifecycleHandler(plans: NotificationHarness.plans, stripe: StripeClient(
                    configuration: .init(apiKey: "sk_test", baseURL: "http://127.0.0.1:9"), logger: harness.logger), registry: harness.registry)
                try await harness.database.client.withTransaction(logger: harness.logger) { connection in
                    try await lifecycle.handle(InboundEvent(id: "evt_sub_\(harness.tenant)", routingKey: "stripe.customer.subscription.created",
                                                            type: nil, body: Array(StripeFixtures.subscriptionEvent(
                                                                id: "evt_sub_\(harness.tenant)", type: "customer.subscription.created",
                                                                created: 1_764_000_000, subscription: subscription, customer: customer,
                                                                status: "trialing", price: .enterprise, periodStart: 1_764_000_000).utf8), attempt: 1),
                                               connection: connection, logger: harness.logger)
                }
                #expect(try await harness.handler.handle(event, logger: harness.logger))
                let ended = StripeFixtures.subscriptionEvent(id: "evt_end_\(harness.tenant)", type: "customer.subscription.deleted",
                                                             created: 1_766_000_000, subscription: subscription, customer: customer,
                                                             status: "canceled", price: .enterprise)
                let deleted = InboundEvent(id: "evt_end_\(harness.tenant)", routingKey: "stripe.customer.subscription.deleted",
                                           type: nil, body: Array(ended.utf8), attempt: 1)
                #expect(try await harness.handler.handle(deleted, logger: harness.logger))
                #expect(try await !harness.handler.handle(deleted, logger: harness.logger))
                let subjects = try sink.messages().map(\.subject)
                // Trial ends 14 days after 1,764,000,000 (2025-11-24 16:00 UTC).
                #expect(subjects.filter { $0 == "Your Enterprise trial ends on 8 December 2025" }.count == 2)
                #expect(subjects.filter { $0 == "Your Enterprise subscription has ended" }.count == 2)
                let text = try #require(try sink.messages().first?.text)
                #expect(text.contains("ends on 8 December 2025, 16:00 UTC"))
                #expect(text.contains("$800.00 (USD) a month"))
            }
        }
    }
}
