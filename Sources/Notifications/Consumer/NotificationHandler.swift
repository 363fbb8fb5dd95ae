import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Prometheus
import Storage
import Stripe
import Synchronization

/// The `notifications` consumer: turns a request into one outbox row per recipient and
/// channel, then sends each row that is not sent yet.
///
/// A row is claimed (`sending`) before its send and settled after it, each in its own
/// statement, so a request that comes back after a partial failure sends only what did not go
/// out, and a repeated request sends nothing. The one window for a duplicate is a crash after
/// the remote server accepted a message and before its row was marked `sent` (a millisecond or
/// so); the row's claim then expires after `claimLease` and the message is sent again, with
/// the same `Message-ID` or `webhook-id`, so the receiver can tell it is the same one.
public struct NotificationHandler: OutboxEventHandler {
    let settings: NotificationSettings
    let templates: NotificationTemplates
    let plans: PlanCatalog
    let database: PostgresClient
    let logger: Logger
    /// nil: no SMTP server configured; emails are written to the log instead.
    let mailer: SMTPMailer?
    let webhooks: WebhookSender
    let metrics: NotificationMetrics
    /// How long a claim protects a row being sent; longer than any send's timeout.
    let claimLease: Duration
    let now: @Sendable () -> Date

    package init(settings: NotificationSettings, templates: NotificationTemplates, plans: PlanCatalog, database: PostgresClient,
                mailer: SMTPMailer?, webhooks: WebhookSender, registry: PrometheusCollectorRegistry, logger: Logger,
                claimLease: Duration = .seconds(120), now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.templates = templates
        self.plans = plans
        self.database = database
        self.logger = logger
        self.mailer = mailer
        self.webhooks = webhooks
        self.metrics = NotificationMetrics(registry: registry)
        self.claimLease = claimLease
        self.now = now
    }

    /// Sends what the event asks for; true when it attempted a send (or there was nothing to
    /// send), false when every delivery was already settled (a duplicate).
    public func handle(_ event: InboundEvent, logger: Logger) async throws -> Bool {
        guard let request = try await request(from: event) else { return true }
        guard templates.names.contains(request.template) else {
            throw PermanentFailure("no template \(request.template): add config/notifications/\(request.template).{subject,text,html}.mustache")
        }
        let recipients = try await outbox(logger) { try await $0.recipients(tenantID: request.tenantID) }
        let endpoint = recipients.webhook
        let (deliveries, skipped) = NotificationPlanner.plan(request, contacts: recipients.contacts, webhookURL: endpoint?.url,
                                                             routing: settings.routing)
        for skip in skipped {
            metrics.skipped(role: skip.role, channel: skip.channel)
            logger.info("notification recipient skipped", metadata: [
                "key": "\(request.key)", "role": "\(skip.role.rawValue)", "channel": "\(skip.channel.rawValue)", "reason": "\(skip.reason)"])
        }
        let records = deliveries.map {
            NotificationRecord(deliveryKey: $0.deliveryKey, requestKey: request.key, tenantID: request.tenantID, template: request.template,
                               channel: $0.channel.rawValue, role: $0.role.rawValue, recipient: $0.recipient)
        }
        let claims = try await outbox(logger) { try await $0.insertAndClaim(records, lease: claimLease) }

        var attempted = false
        var retryLater: [String] = []
        for delivery in deliveries {
            switch claims[delivery.deliveryKey] ?? .heldElsewhere {
            case .settled:
                continue
            case .heldElsewhere:
                retryLater.append("\(delivery.deliveryKey) is being sent by another worker")
            case .claimed(let attempt):
                attempted = true
                let rendered = render(request, for: delivery, company: recipients.company, logger: logger)
                let clock = ContinuousClock()
                let started = clock.now
                let outcome = await send(rendered, request: request, delivery: delivery, endpoint: endpoint, logger: logger)
                metrics.delivered(outcome, channel: delivery.channel, template: request.template, duration: clock.now - started)
                switch outcome {
                case .sent(let response):
                    try await outbox(logger) {
                        try await $0.finish(delivery.deliveryKey, status: .sent, error: nil, providerResponse: response, subject: rendered.subject)
                    }
                case .transient(let error):
                    try await outbox(logger) {
                        try await $0.finish(delivery.deliveryKey, status: .pending, error: error, providerResponse: nil, subject: rendered.subject)
                    }
                    retryLater.append("\(delivery.channel.rawValue) to \(delivery.recipient): \(error)")
                    logger.warning("notification not delivered; will retry", metadata: [
                        "key": "\(delivery.deliveryKey)", "attempt": "\(attempt)", "error": "\(error)"])
                case .permanent(let error):
                    try await outbox(logger) {
                        try await $0.finish(delivery.deliveryKey, status: .failed, error: error, providerResponse: nil, subject: rendered.subject)
                    }
                    logger.error("notification failed for good", metadata: ["key": "\(delivery.deliveryKey)", "error": "\(error)"])
                }
            }
        }
        if !retryLater.isEmpty {
            throw TransientFailure("\(retryLater.count) of \(deliveries.count) deliveries to retry: \(retryLater.joined(separator: "; "))")
        }
        return attempted || deliveries.isEmpty
    }

    /// Runs `body` with the outbox on a connection leased for that one call: each call commits
    /// on its own, and no connection is held while a message is being sent.
    func outbox<Result>(_ logger: Logger, _ body: (NotificationStore) async throws -> sending Result) async throws -> sending Result {
        try await NotificationStore.withConnection(on: database, logger: logger, body)
    }

    // MARK: requests

    /// The request an event stands for; nil for an event that asks for nothing.
    func request(from event: InboundEvent) async throws -> NotificationRequest? {
        if RoutingKey.isInternal(event.routingKey) {
            struct Envelope: Decodable {
                var tenant_id: String?
                var data: NotificationRequested
            }
            let envelope: Envelope
            do {
                envelope = try JSONDecoder().decode(Envelope.self, from: Data(event.body))
            } catch {
                throw PermanentFailure("notification request \(event.id): \(FailureClassifier.describe(error))")
            }
            let payload = envelope.data
            guard let tenantID = envelope.tenant_id, !tenantID.isEmpty else {
                throw PermanentFailure("notification request \(event.id) has no tenant_id")
            }
            var roles: [ContactRole] = []
            for name in payload.roles {
                guard let role = ContactRole(rawValue: name) else {
                    throw PermanentFailure("notification request \(event.id): unknown role \(name) (known: billing, admin, account_manager)")
                }
                roles.append(role)
            }
            guard !payload.key.isEmpty else { throw PermanentFailure("notification request \(event.id) has an empty key") }
            return NotificationRequest(key: payload.key, template: payload.template, tenantID: tenantID, roles: roles, data: payload.data ?? [:])
        }
        let stripeEvent: StripeObjectEvent
        do { stripeEvent = try StripeObjectEvent.decode(event.body) } catch {
            throw PermanentFailure("event \(event.id): \(FailureClassifier.describe(error))")
        }
        guard case .subscription(let subscription) = stripeEvent.object else { return nil }
        let template: String
        var data: [String: JSONValue] = ["subscription_id": .string(subscription.id)]
        let key: String
        switch stripeEvent.type {
        case "customer.subscription.trial_will_end":
            guard let trialEnd = subscription.trialEnd else { return nil }
            template = "trial_ending"
            key = "trial_ending:\(subscription.id):\(trialEnd)"
            data["trial_end"] = .number(Double(trialEnd))
        case "customer.subscription.deleted":
            template = "subscription_canceled"
            key = "subscription_canceled:\(subscription.id)"
            data["ended_at"] = .number(Double(subscription.endedAt ?? subscription.canceledAt ?? stripeEvent.created))
        default:
            return nil
        }
        let found = try await LifecycleStore.withConnection(on: database, logger: logger) { store -> (SubscriptionRecord, String)? in
            guard let stored = try await store.subscription(id: subscription.id), let tenantID = try await store.tenant(of: stored) else { return nil }
            return (stored, tenantID)
        }
        guard let found else {
            throw TransientFailure("subscription \(subscription.id) or its tenant is not known yet; the lifecycle consumer has not applied it")
        }
        let (stored, tenantID) = found
        if let tier = stored.tier {
            let plan = plans[tier]
            data["plan_name"] = .string(plan.name)
            data["amount"] = .number(Double(plan.monthlyPrice.minorUnits))
            data["currency"] = .string(plan.monthlyPrice.currency.code)
        }
        return NotificationRequest(key: key, template: template, tenantID: tenantID, roles: [.billing, .admin], data: data)
    }

    // MARK: sending

    func render(_ request: NotificationRequest, for delivery: PlannedDelivery, company: String?, logger: Logger) -> RenderedNotification {
        let values = TemplateValues.make(data: request.data, brand: settings.branding, extra: [
            "tenant_id": request.tenantID, "company": company ?? request.tenantID, "recipient_role": delivery.role.rawValue,
            "recipient": delivery.recipient, "sent_at_display": UTCDisplay.dateTime(Int64(now().timeIntervalSince1970)),
        ])
        // The template exists: the handler checked before planning.
        let rendered = templates.render(request.template, values: values)
            ?? RenderedNotification(subject: request.template, text: "", html: "", missingVariables: [])
        if !rendered.missingVariables.isEmpty {
            logger.warning("notification template refers to values the request lacks; rendered empty", metadata: [
                "template": "\(request.template)", "missing": "\(rendered.missingVariables.joined(separator: ", "))"])
        }
        return rendered
    }

    func send(_ rendered: RenderedNotification, request: NotificationRequest, delivery: PlannedDelivery, endpoint: WebhookEndpointRecord?,
              logger: Logger) async -> DeliveryOutcome {
        let timestamp = Int64(now().timeIntervalSince1970)
        switch delivery.channel {
        case .email:
            let message = EmailMessage(from: settings.from, replyTo: settings.replyTo, to: delivery.recipient, subject: rendered.subject,
                                       text: rendered.text, html: rendered.html, deliveryKey: delivery.deliveryKey, date: timestamp)
            guard let mailer else {
                logger.notice("email (no SMTP server configured)", metadata: [
                    "to": "\(delivery.recipient)", "subject": "\(rendered.subject)", "message_id": "\(message.messageID)"])
                return .sent(response: "not sent: BILLING_SMTP_URL is not set; written to the log")
            }
            return await mailer.send(message.rendered(), from: settings.fromAddress, to: delivery.recipient)
        case .webhook:
            guard let endpoint else { return .permanent("the tenant has no webhook endpoint any more") }
            let body = Self.webhookBody(request, rendered: rendered, at: timestamp)
            return await webhooks.send(url: endpoint.url, secret: endpoint.secret, id: Self.webhookID(delivery.deliveryKey),
                                       timestamp: timestamp, body: body)
        case .log:
            logger.notice("notification", metadata: [
                "tenant": "\(request.tenantID)", "role": "\(delivery.role.rawValue)", "template": "\(request.template)",
                "subject": "\(rendered.subject)", "text": "\(rendered.text)"])
            return .sent(response: "logged")
        }
    }

    /// `msg_<hex>`: the same for every attempt of one notification.
    static func webhookID(_ deliveryKey: String) -> String {
        "msg_" + deliveryDigest(deliveryKey)
    }

    /// `{"type": "billing.<template>", "timestamp", "data": {…the request's data, tenant_id,
    /// notification_key, subject, text}}`, the Standard Webhooks payload shape.
    static func webhookBody(_ request: NotificationRequest, rendered: RenderedNotification, at timestamp: Int64) -> [UInt8] {
        var data = request.data
        data["tenant_id"] = .string(request.tenantID)
        data["notification_key"] = .string(request.key)
        data["template"] = .string(request.template)
        data["subject"] = .string(rendered.subject)
        data["text"] = .string(rendered.text)
        let payload: JSONValue = .object([
            "type": .string("billing.\(request.template)"),
            "timestamp": .string(UTCDisplay.rfc3339(timestamp)),
            "data": .object(data),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(payload)) ?? Data("{}".utf8))
    }
}

/// Sent, failed and retried notifications by channel and template; skipped recipients by role;
/// delivery latency by channel. Made on first use of a label set, then reused.
final class NotificationMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let counters = Mutex<[String: Counter]>([:])
    private let histograms = Mutex<[String: DurationHistogram]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func delivered(_ outcome: DeliveryOutcome, channel: NotificationChannel, template: String, duration: Duration) {
        let name: String
        switch outcome {
        case .sent: name = "sent"
        case .transient: name = "retried"
        case .permanent: name = "failed"
        }
        counter(name, help: "Notification deliveries \(name)", labels: [("channel", channel.rawValue), ("template", template)]).increment()
        let histogram = histograms.withLock { cache in
            if let found = cache[channel.rawValue] { return found }
            let made = registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "notifications", metricName: "delivery_duration",
                                                 unitName: "seconds", helpText: "Time to send one notification, the remote's answer included"),
                labels: [("channel", channel.rawValue)],
                buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                          .milliseconds(250), .seconds(1), .seconds(5), .seconds(30)])
            cache[channel.rawValue] = made
            return made
        }
        histogram.record(duration)
    }

    func skipped(role: ContactRole, channel: NotificationChannel) {
        counter("skipped", help: "Recipients skipped: no address or endpoint", labels: [("role", role.rawValue), ("channel", channel.rawValue)])
            .increment()
    }

    private func counter(_ name: String, help: String, labels: [(String, String)]) -> Counter {
        let key = ([name] + labels.map { "\($0.0)=\($0.1)" }).joined(separator: ",")
        return counters.withLock { cache in
            if let found = cache[key] { return found }
            let made = registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "billing", subsystem: "notifications", metricName: name,
                                                                             unitName: "total", helpText: help),
                                            labels: labels)
            cache[key] = made
            return made
        }
    }
}
