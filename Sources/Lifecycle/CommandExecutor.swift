import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Storage
import Stripe

/// Carries out a platform command in two steps, so that Stripe is never called while a
/// transaction holds row locks: ``decide(_:connection:logger:)`` in the event's transaction
/// (the command recorded as pending, its calls as a `PendingCall`), then, after the commit,
/// ``complete(_:database:logger:)``: the calls, each with an idempotency key derived from the
/// command id, and Stripe's answer recorded.
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

    /// Decides `event`'s command inside the handler's transaction, with the subscription's rows
    /// locked, and records it: rejected at once, or pending with its Stripe calls, which
    /// ``complete(_:database:logger:)`` makes after the commit.
    func decide(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
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
            // A webhook for this subscription waits until the decision is recorded, so the one
            // that shows its effect finds the command to confirm.
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
                                   stripeSubscriptionID: subscription?.stripeSubscriptionID, status: .pending)
        switch decision {
        case .reject(let reason):
            record.status = .rejected
            record.reason = reason
        case .call(_, let expect), .schedule(_, _, _, _, _, _, let expect):
            record.apply(expect)
            let payload = String(decoding: try JSONEncoder().encode(PendingCommand(commandID: command.id, type: command.type, decision: decision)),
                                 as: UTF8.self)
            try await PendingCallStore(connection: connection, logger: logger).add(key: "command:\(command.id)", consumer: event.consumer,
                                                                                   eventID: event.id, payload: payload)
        }
        try await CommandStore(connection: connection, logger: logger).record(record)
        if record.status == .rejected { report(command.id, type: command.type, tenantID: command.tenantID, .rejected, reason: record.reason, logger: logger) }
    }

    /// Makes a pending command's Stripe calls, with no transaction open, then records Stripe's
    /// answer. A retryable error (network, timeout, 409, 429, 5xx, after the client's own
    /// retries) throws, and the call is tried again later with the same idempotency keys; a
    /// refusal (a decline, an invalid request) is the command's outcome.
    func complete(_ call: PendingCall, database: PostgresClient, logger: Logger) async throws {
        let pending: PendingCommand
        do {
            pending = try JSONDecoder().decode(PendingCommand.self, from: Data(call.payload.utf8))
        } catch {
            throw PermanentFailure("pending call \(call.key): \(FailureClassifier.describe(error))")
        }
        var status = CommandRecord.Status.sent
        var reason: String?
        var requestIDs: [String] = []
        do {
            try await send(pending.decision, requestIDs: &requestIDs)
        } catch let error as StripeAPIError {
            guard !error.isRetryable else { throw TransientFailure("command \(pending.commandID): \(error)") }
            status = .failed
            reason = error.description
        }
        try await settle(call, commandID: pending.commandID, type: pending.type, status: status, reason: reason, requestIDs: requestIDs,
                         database: database, logger: logger)
    }

    /// Records a pending command as failed: its calls were given up.
    func abandon(_ call: PendingCall, reason: String, database: PostgresClient, logger: Logger) async throws {
        // A payload that does not decode still names its command in the key.
        let pending = try? JSONDecoder().decode(PendingCommand.self, from: Data(call.payload.utf8))
        try await settle(call, commandID: pending?.commandID ?? String(call.key.dropFirst("command:".count)), type: pending?.type ?? "?",
                         status: .failed, reason: "Stripe was not reached: \(reason)", requestIDs: [], database: database, logger: logger)
    }

    func settle(_ call: PendingCall, commandID: String, type: String, status: CommandRecord.Status, reason: String?, requestIDs: [String],
                database: PostgresClient, logger: Logger) async throws {
        let recorded = try await database.transaction(logger: logger) { connection in
            guard try await PendingCallStore(connection: connection, logger: logger).finish(call) else { return false }
            try await CommandStore(connection: connection, logger: logger).settle(commandID: commandID, status: status, reason: reason,
                                                                                 requestIDs: requestIDs)
            return true
        }
        guard recorded else { return }  // another process recorded it first
        report(commandID, type: type, tenantID: nil, status, reason: reason, logger: logger)
    }

    func send(_ decision: CommandDecision, requestIDs: inout [String]) async throws {
        switch decision {
        case .reject:
            return
        case .call(let calls, _):
            for call in calls { requestIDs.append(try await stripe.send(call).requestID ?? "") }
        case .schedule(let create, let newPrice, let currentPrice, let quantity, let periodEnd, let updateKey, _):
            let created = try await stripe.send(create)
            requestIDs.append(created.requestID ?? "")
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
            requestIDs.append(try await stripe.send(phases).requestID ?? "")
        }
    }

    func report(_ commandID: String, type: String, tenantID: String?, _ status: CommandRecord.Status, reason: String?, logger: Logger) {
        metrics.command(status)
        switch status {
        case .rejected, .failed:
            logger.warning("lifecycle command not carried out", metadata: [
                "command": "\(commandID)", "type": "\(type)", "tenant": "\(tenantID ?? "")", "status": "\(status.rawValue)",
                "reason": "\(reason ?? "")"])
        case .pending, .sent, .confirmed:
            logger.info("lifecycle command sent to Stripe", metadata: ["command": "\(commandID)", "type": "\(type)"])
        }
    }

    /// What a pending command's row in `pending_calls` carries.
    struct PendingCommand: Codable {
        var commandID: String
        var type: String
        var decision: CommandDecision
    }

    struct ScheduleAnswer: Decodable {
        struct Phase: Decodable { var start_date: Int64? }
        var id: String
        var phases: [Phase]
    }
}
