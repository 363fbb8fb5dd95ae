import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Storage
import Stripe

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
        let store = LifecycleStore(connection: connection, logger: logger)
        var subscription = try await store.currentSubscription(tenantID: command.tenantID)
        if let found = subscription {
            // Webhooks for this subscription wait until this command is recorded, so the one
            // that shows its effect can confirm it.
            try await store.lock(objectIDs: [found.stripeSubscriptionID])
            subscription = try await store.subscription(id: found.stripeSubscriptionID)
        }
        var items: [SubscriptionItemRecord] = []
        var openInvoice: InvoiceRecord?
        if let subscription {
            items = try await store.items(subscriptionID: subscription.stripeSubscriptionID)
            openInvoice = try await store.openInvoice(subscriptionID: subscription.stripeSubscriptionID)
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
                let phases = StripeRequest(.post, "/v1/subscription_schedules/\(StripeRequest.segment(schedule.id))", form: form, idempotencyKey: updateKey)
                record.stripeRequestIDs.append(try await stripe.send(phases).requestID ?? "")
            }
        } catch let error as StripeAPIError {
            guard !error.isRetryable else { throw TransientFailure("command \(command.id): \(error)") }
            record.status = .failed
            record.reason = error.description
        }
        try await CommandStore(connection: connection, logger: logger).record(record)
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
