import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Storage
import Stripe

/// A platform command for a tenant's subscription (`internal.subscription.*`).
enum LifecycleCommand: Sendable, Equatable {
    enum Effective: String, Sendable { case immediate, periodEnd = "period_end" }

    case changePlan(tier: PlanTier, prorate: Bool, effective: Effective)
    case cancel(atPeriodEnd: Bool, reason: String?, feedback: String?)
    case reactivate(paymentMethod: String?)

    /// Reads the command of an internal event; malformed input is a permanent failure naming the field.
    static func parse(_ event: InternalEvent) throws(PermanentFailure) -> LifecycleCommand {
        let data = event.data
        func bool(_ name: String, default value: Bool) throws(PermanentFailure) -> Bool {
            guard let field = data[name] else { return value }
            guard case .bool(let flag) = field else { throw PermanentFailure("\(event.type) \(event.id): data.\(name) must be true or false") }
            return flag
        }
        func string(_ name: String) throws(PermanentFailure) -> String? {
            guard let field = data[name], field != .null else { return nil }
            guard let text = field.stringValue else { throw PermanentFailure("\(event.type) \(event.id): data.\(name) must be a string") }
            return text
        }
        switch SubscriptionCommand(rawValue: event.type) {
        case .changePlanRequested:
            guard let name = try string("plan"), let tier = PlanTier(rawValue: name) else {
                throw PermanentFailure("\(event.type) \(event.id): data.plan must be developer, team or enterprise")
            }
            let effectiveName = try string("effective") ?? "immediate"
            guard let effective = Effective(rawValue: effectiveName) else {
                throw PermanentFailure("\(event.type) \(event.id): data.effective must be immediate or period_end")
            }
            return .changePlan(tier: tier, prorate: try bool("prorate", default: true), effective: effective)
        case .cancelRequested:
            return .cancel(atPeriodEnd: try bool("at_period_end", default: true), reason: try string("reason"), feedback: try string("feedback"))
        case .reactivateRequested:
            return .reactivate(paymentMethod: try string("new_payment_method_id"))
        case nil:
            throw PermanentFailure("lifecycle has no command \(event.type)")
        }
    }
}

/// What carrying out a command takes, decided from the subscription as stored: Stripe calls
/// in order (each with an idempotency key derived from the command id), and the state whose
/// webhook confirms it — or a rejection, with no call at all.
enum CommandDecision: Sendable, Equatable {
    case call([StripeRequest], expect: Expectation)
    /// A change at renewal: a subscription schedule made from the subscription, then given a
    /// second phase at the new price (the second call needs the first one's answer).
    case schedule(create: StripeRequest, newPriceID: String, currentPriceID: String, quantity: Int64, periodEnd: Int64,
                  updateKey: String, expect: Expectation)
    case reject(String)

    struct Expectation: Sendable, Equatable {
        var priceID: String?
        var cancelAtPeriodEnd: Bool?
        var status: SubscriptionStatus?
    }
}

enum CommandPlanner {
    /// Stripe's `cancellation_details.feedback` values; any other reason goes in the comment.
    static let feedbackValues: Set<String> = ["customer_service", "low_quality", "missing_features", "other", "switched_service",
                                              "too_complex", "too_expensive", "unused"]

    static func decide(_ command: LifecycleCommand, commandID: String, subscription: SubscriptionRecord?,
                       items: [SubscriptionItemRecord], openInvoice: InvoiceRecord?, plans: PlanCatalog) -> CommandDecision {
        guard let subscription else { return .reject("the tenant has no subscription") }
        let id = subscription.stripeSubscriptionID
        func key(_ step: String) -> String { "\(commandID):\(step)" }
        guard !subscription.status.isTerminal else {
            return .reject("subscription \(id) is \(subscription.status.rawValue); start a new subscription instead")
        }
        switch command {
        case .changePlan(let tier, let prorate, let effective):
            guard let newPrice = plans[tier].stripePriceID else {
                return .reject("plans.\(tier.rawValue).stripe_price_id is not configured in config/plans.yaml")
            }
            guard items.count == 1, let item = items.first else {
                return .reject("subscription \(id) has \(items.count) items; plan changes handle exactly one")
            }
            guard item.priceID != newPrice else { return .reject("subscription \(id) is already on \(tier.rawValue)") }
            switch effective {
            case .immediate:
                let update = StripeRequest(.post, "/v1/subscriptions/\(id)", form: [
                    .init("items[0][id]", item.stripeItemID), .init("items[0][price]", newPrice),
                    .init("proration_behavior", prorate ? "create_prorations" : "none"),
                ], idempotencyKey: key("update"))
                return .call([update], expect: .init(priceID: newPrice))
            case .periodEnd:
                guard let end = subscription.currentPeriodEnd else { return .reject("subscription \(id) has no current period") }
                let create = StripeRequest(.post, "/v1/subscription_schedules", form: [.init("from_subscription", id)],
                                           idempotencyKey: key("schedule"))
                return .schedule(create: create, newPriceID: newPrice, currentPriceID: item.priceID, quantity: item.quantity,
                                 periodEnd: Int64(end.timeIntervalSince1970), updateKey: key("phases"), expect: .init(priceID: newPrice))
            }
        case .cancel(let atPeriodEnd, let reason, let feedback):
            var details: [StripeRequest.FormField] = []
            if let reason, feedbackValues.contains(reason) { details.append(.init("cancellation_details[feedback]", reason)) }
            let comment = [reason.flatMap { feedbackValues.contains($0) ? nil : $0 }, feedback].compactMap { $0 }.joined(separator: " — ")
            if !comment.isEmpty { details.append(.init("cancellation_details[comment]", String(comment.prefix(5000)))) }
            if atPeriodEnd {
                guard !subscription.cancelAtPeriodEnd else { return .reject("subscription \(id) is already set to cancel at period end") }
                return .call([StripeRequest(.post, "/v1/subscriptions/\(id)", form: [.init("cancel_at_period_end", "true")] + details,
                                            idempotencyKey: key("cancel"))], expect: .init(cancelAtPeriodEnd: true))
            }
            return .call([StripeRequest(.delete, "/v1/subscriptions/\(id)", form: details, idempotencyKey: key("cancel"))],
                         expect: .init(status: .canceled))
        case .reactivate(let paymentMethod):
            var calls: [StripeRequest] = []
            if let paymentMethod {
                calls.append(StripeRequest(.post, "/v1/payment_methods/\(paymentMethod)/attach",
                                           form: [.init("customer", subscription.stripeCustomerID)], idempotencyKey: key("attach")))
                calls.append(StripeRequest(.post, "/v1/customers/\(subscription.stripeCustomerID)",
                                           form: [.init("invoice_settings[default_payment_method]", paymentMethod)], idempotencyKey: key("default")))
            }
            if subscription.cancelAtPeriodEnd {
                calls.append(StripeRequest(.post, "/v1/subscriptions/\(id)", form: [.init("cancel_at_period_end", "false")],
                                           idempotencyKey: key("resume")))
            }
            if let paymentMethod, let invoice = openInvoice {
                calls.append(StripeRequest(.post, "/v1/invoices/\(invoice.stripeInvoiceID)/pay",
                                           form: [.init("payment_method", paymentMethod)], idempotencyKey: key("pay")))
            }
            guard !calls.isEmpty else { return .reject("subscription \(id) is not set to cancel and no new payment method was given") }
            return .call(calls, expect: .init(cancelAtPeriodEnd: false))
        }
    }
}

/// Carries out a command's decision: the Stripe calls, then the command's row. A Stripe error
/// worth retrying (network, timeout, 409, 429, 5xx, after the client's own retries) fails the
/// event transiently, so the runner tries again later with the same idempotency keys; a
/// refusal (a decline, an invalid request) is recorded as the command's outcome.
struct CommandExecutor: Sendable {
    let stripe: StripeClient
    let plans: PlanCatalog
    let metrics: LifecycleMetrics

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        // The intake's rule, so every time it accepted (fractions, offsets) reads here too.
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = RFC3339.date(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
            }
            return date
        }
        return decoder
    }()

    func run(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        let command: InternalEvent
        do {
            command = try Self.decoder.decode(InternalEvent.self, from: Data(event.body))
        } catch {
            throw PermanentFailure("command \(event.id): \(FailureClassifier.describe(error))")
        }
        let parsed = try LifecycleCommand.parse(command)
        let queries = LifecycleQueries(connection: connection, logger: logger)
        var subscription = try await queries.currentSubscription(tenantID: command.tenantID)
        if let found = subscription {
            // Webhooks for this subscription wait until this command is recorded, so the one
            // that shows its effect can confirm it.
            try await LifecycleStore.lock(objectIDs: [found.stripeSubscriptionID], on: connection, logger: logger)
            subscription = try await queries.subscription(id: found.stripeSubscriptionID)
        }
        var items: [SubscriptionItemRecord] = []
        var openInvoice: InvoiceRecord?
        if let subscription {
            items = try await queries.items(subscriptionID: subscription.stripeSubscriptionID)
            openInvoice = try await queries.openInvoice(subscriptionID: subscription.stripeSubscriptionID)
        }
        let decision = CommandPlanner.decide(parsed, commandID: command.id, subscription: subscription, items: items,
                                             openInvoice: openInvoice, plans: plans)
        var record = CommandRecord(commandID: command.id, tenantID: command.tenantID, type: command.type, request: command.data,
                                   stripeSubscriptionID: subscription?.stripeSubscriptionID, status: .sent)
        do {
            switch decision {
            case .reject(let reason):
                record.status = .rejected
                record.reason = reason
            case .call(let calls, let expect):
                record.apply(expect)
                for call in calls { record.stripeRequestIDs.append(try await stripe.send(call).requestID ?? "") }
            case .schedule(let create, let newPrice, let currentPrice, let quantity, let periodEnd, let updateKey, let expect):
                record.apply(expect)
                let created = try await stripe.send(create)
                record.stripeRequestIDs.append(created.requestID ?? "")
                guard let schedule = try? JSONDecoder().decode(ScheduleAnswer.self, from: Data(created.body)) else {
                    throw TransientFailure("Stripe's subscription schedule answer has no id or phases")
                }
                let phaseStart: Int64 = schedule.phases.first?.start_date ?? periodEnd
                let form: [StripeRequest.FormField] = [
                    StripeRequest.FormField("end_behavior", "release"),
                    StripeRequest.FormField("phases[0][items][0][price]", currentPrice),
                    StripeRequest.FormField("phases[0][items][0][quantity]", String(quantity)),
                    StripeRequest.FormField("phases[0][start_date]", String(phaseStart)),
                    StripeRequest.FormField("phases[0][end_date]", String(periodEnd)),
                    StripeRequest.FormField("phases[1][items][0][price]", newPrice),
                    StripeRequest.FormField("phases[1][items][0][quantity]", String(quantity)),
                    StripeRequest.FormField("phases[1][proration_behavior]", "none"),
                ]
                let phases = StripeRequest(.post, "/v1/subscription_schedules/\(schedule.id)", form: form, idempotencyKey: updateKey)
                record.stripeRequestIDs.append(try await stripe.send(phases).requestID ?? "")
            }
        } catch let error as StripeAPIError {
            guard !error.isRetryable else { throw TransientFailure("command \(command.id): \(error)") }
            record.status = .failed
            record.reason = error.description
        }
        try await CommandStore.record(record, on: connection, logger: logger)
        metrics.command(record.status)
        switch record.status {
        case .rejected, .failed:
            logger.warning("lifecycle command not carried out", metadata: [
                "command": "\(command.id)", "type": "\(command.type)", "tenant": "\(command.tenantID)",
                "status": "\(record.status.rawValue)", "reason": "\(record.reason ?? "")"])
        case .sent, .confirmed:
            logger.info("lifecycle command sent to Stripe", metadata: ["command": "\(command.id)", "type": "\(command.type)"])
        }
    }

    struct ScheduleAnswer: Decodable {
        struct Phase: Decodable { var start_date: Int64? }
        var id: String
        var phases: [Phase]
    }
}

extension CommandRecord {
    mutating func apply(_ expectation: CommandDecision.Expectation) {
        expectPriceID = expectation.priceID
        expectCancelAtPeriodEnd = expectation.cancelAtPeriodEnd
        expectStatus = expectation.status
    }
}
