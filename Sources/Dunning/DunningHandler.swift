import AMQP
import BillingCore
import ConsumerRuntime
import Foundation
import Intake
import Logging
import Messages
import PostgresNIO
import Storage
import Stripe

/// The `dunning` consumer: opens one case per failed subscription invoice, closes it when the
/// invoice is settled, runs the steps the scheduler dispatches, and keeps the tenant's service
/// state on its oldest open case. Decisions come from `BillingCore` (``DunningCases``,
/// ``DunningPlanner``); this type only reads, writes and calls.
public struct DunningHandler: PendingCallHandler {
    let policy: DunningPolicy
    /// Seconds in a schedule "day" (`BILLING_DAY_SECONDS`).
    let daySeconds: Int64
    let stripe: StripeClient
    let publisher: any EventPublisher
    let now: @Sendable () -> Date

    /// Stripe decline codes that no retry can fix until the payment method changes.
    static let hardDeclines: Set<String> = [
        "lost_card", "stolen_card", "pickup_card", "incorrect_number", "invalid_number", "revocation_of_authorization",
        "transaction_not_allowed", "restricted_card", "security_violation", "invalid_account", "card_not_supported",
        "expired_card", "do_not_honor_permanently", "stop_payment_order", "revocation_of_all_authorizations",
    ]

    /// A handler that follows `policy`, retries payments through `stripe` and publishes notifications and
    /// service-state changes through `publisher`.
    public init(policy: DunningPolicy, daySeconds: Int64, stripe: StripeClient, publisher: any EventPublisher,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.policy = policy
        self.daySeconds = daySeconds
        self.stripe = stripe
        self.publisher = publisher
        self.now = now
    }

    /// Applies one invoice, subscription or payment-method event, or runs one due step, on the
    /// inbox transaction's connection.
    public func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        let store = DunningStore(connection: connection, logger: logger)
        if event.routingKey == RoutingKey.internal(DunningStepDue.eventType) {
            return try await runStep(event, store: store, connection: connection, logger: logger)
        }
        guard RoutingKey.isStripe(event.routingKey) else { throw PermanentFailure("dunning has no handler for \(event.routingKey)") }
        let stripeEvent: StripeObjectEvent
        do {
            stripeEvent = try StripeObjectEvent.decode(event.body)
        } catch {
            throw PermanentFailure("event \(event.id): \(FailureClassifier.describe(error))")
        }
        let at = stripeEvent.created
        switch (stripeEvent.type, stripeEvent.object) {
        case ("invoice.payment_failed", .invoice(let invoice)):
            try await paymentFailed(invoice, at: at, store: store, connection: connection, logger: logger)
        case ("invoice.paid", .invoice(let invoice)), ("invoice.payment_succeeded", .invoice(let invoice)):
            try await settled(invoice, .paid, at: at, store: store, logger: logger)
        case ("invoice.voided", .invoice(let invoice)):
            try await settled(invoice, .voided, at: at, store: store, logger: logger)
        case ("invoice.marked_uncollectible", .invoice(let invoice)):
            try await settled(invoice, .uncollectible, at: at, store: store, logger: logger)
        case ("invoice.payment_action_required", .invoice(let invoice)):
            // Needs no case: the customer must act whether or not a failure was recorded yet.
            guard let subscriptionID = invoice.subscription else { return }
            let lifecycle = LifecycleStore(connection: connection, logger: logger)
            guard let subscription = try await lifecycle.subscription(id: subscriptionID) else {
                throw TransientFailure("subscription \(subscriptionID) is not known yet; the lifecycle consumer has not applied it")
            }
            let context = CaseRecord(invoiceID: invoice.id, subscriptionID: subscriptionID, customerID: invoice.customer,
                                     tenantID: try await lifecycle.tenant(of: subscription), tier: subscription.tier, status: .open,
                                     openedAt: Date(timeIntervalSince1970: TimeInterval(at)), attempts: invoice.attemptCount,
                                     amountDue: invoice.amountRemaining, currency: invoice.currency, hostedInvoiceURL: invoice.hostedInvoiceURL)
            try await requestNotification(key: "\(context.caseID):action:\(stripeEvent.id)", template: "payment_action_required",
                                          roles: policy.schedule(for: subscription.tier).notifyRoles, for: context, extra: [:])
        case ("customer.subscription.deleted", .subscription(let subscription)):
            for open in try await store.openCases(subscriptionID: subscription.id) {
                try await close(open, .subscriptionDeleted, at: at, store: store, logger: logger)
            }
        case ("customer.updated", .customer(let customer)):
            guard Self.defaultPaymentMethodChanged(event.body) else { return }
            try await paymentMethodChanged(customerID: customer.id, eventID: stripeEvent.id, store: store, logger: logger)
        case ("payment_method.attached", _):
            guard let customerID = Self.attachedCustomer(event.body) else { return }
            try await paymentMethodChanged(customerID: customerID, eventID: stripeEvent.id, store: store, logger: logger)
        default:
            return  // other invoice events change nothing in dunning
        }
    }

    // MARK: cases

    func paymentFailed(_ invoice: StripeInvoice, at: Int64, store: DunningStore, connection: PostgresConnection, logger: Logger) async throws {
        guard let subscriptionID = invoice.subscription else { return }  // one-off invoices are not dunned
        let existing = try await store.dunningCase(invoiceID: invoice.id)
        var tenantID = existing?.tenantID, tier = existing?.tier
        if existing == nil {
            let lifecycle = LifecycleStore(connection: connection, logger: logger)
            guard let subscription = try await lifecycle.subscription(id: subscriptionID) else {
                // The lifecycle consumer has not applied it yet: the schedule depends on its plan.
                throw TransientFailure("subscription \(subscriptionID) is not known yet; the lifecycle consumer has not applied it")
            }
            let (tenant, accountKnown) = try await lifecycle.tenantAndAccount(of: subscription)
            tenantID = tenant
            if tenant == nil, !accountKnown {
                // The customer event (which names the tenant) may come after the subscription's:
                // a case opened now would have no tenant to notify or restrict, for good.
                throw TransientFailure("customer \(subscription.stripeCustomerID) is not known yet; the lifecycle consumer has not applied it")
            }
            tier = subscription.tier
        }
        let decision = DunningCases.paymentFailed(existing: existing?.dunningCase, invoiceID: invoice.id, tenantID: tenantID, tier: tier,
                                                  attempts: invoice.attemptCount, at: at, policy: policy, daySeconds: daySeconds)
        switch decision {
        case .open(let opened, let steps):
            let record = CaseRecord(invoiceID: invoice.id, subscriptionID: subscriptionID, customerID: invoice.customer, tenantID: tenantID,
                                    tier: tier, status: .open, openedAt: Date(timeIntervalSince1970: TimeInterval(opened.openedAt)),
                                    attempts: invoice.attemptCount, amountDue: invoice.amountRemaining, currency: invoice.currency,
                                    hostedInvoiceURL: invoice.hostedInvoiceURL)
            try await store.insert(record, steps: steps.map { StepRecord(caseID: record.caseID, step: $0) })
            logger.info("dunning case opened", metadata: ["case": "\(record.caseID)", "tenant": "\(tenantID ?? "?")", "steps": "\(steps.count)"])
        case .recordAttempt(let attempts):
            guard var record = existing else { return }
            record.attempts = attempts
            try await store.save(record)
        case .ignore, .close, .closeBeforeOpening:
            return
        }
    }

    func settled(_ invoice: StripeInvoice, _ reason: DunningCase.CloseReason, at: Int64, store: DunningStore, logger: Logger) async throws {
        let existing = try await store.dunningCase(invoiceID: invoice.id)
        switch DunningCases.settled(existing: existing?.dunningCase, reason: reason, at: at) {
        case .close:
            guard let existing else { return }
            try await close(existing, reason, at: at, store: store, logger: logger)
        case .closeBeforeOpening:
            // Only subscription invoices are dunned; remember the settlement so a late
            // failure of this invoice opens nothing.
            guard let subscriptionID = invoice.subscription else { return }
            let date = Date(timeIntervalSince1970: TimeInterval(at))
            try await store.insert(CaseRecord(invoiceID: invoice.id, subscriptionID: subscriptionID, customerID: invoice.customer,
                                              tenantID: nil, tier: nil, status: .closed, openedAt: date, attempts: 0,
                                              amountDue: invoice.amountRemaining, currency: invoice.currency,
                                              hostedInvoiceURL: invoice.hostedInvoiceURL, closedAt: date, closeReason: reason),
                                   steps: [])
        case .open, .recordAttempt, .ignore:
            return
        }
    }

    /// Closes a case: pending steps skipped, service re-derived from the cases still open,
    /// and a "payment recovered" notice when it was paid.
    func close(_ open: CaseRecord, _ reason: DunningCase.CloseReason, at: Int64, store: DunningStore, logger: Logger) async throws {
        var record = open
        record.status = .closed
        record.closeReason = reason
        record.closedAt = Date(timeIntervalSince1970: TimeInterval(at))
        try await store.save(record)
        try await store.skipRemaining(caseID: record.caseID, reason: "case closed: \(reason.rawValue)")
        if let tenantID = record.tenantID {
            try await updateServiceState(tenantID: tenantID, reason: "case \(record.caseID) closed: \(reason.rawValue)", store: store)
        }
        if reason == .paid {
            try await requestNotification(key: "\(record.caseID):recovered", template: "payment_recovered",
                                          roles: policy.schedule(for: record.tier).notifyRoles, for: record, extra: [:])
        }
        logger.info("dunning case closed", metadata: ["case": "\(record.caseID)", "reason": "\(reason.rawValue)"])
    }

    /// A new payment method: paused retries resume, with one retry at once.
    func paymentMethodChanged(customerID: String, eventID: String, store: DunningStore, logger: Logger) async throws {
        for var open in try await store.openCases(customerID: customerID) where open.retriesPausedReason != nil {
            open.retriesPausedReason = nil
            try await store.save(open)
            let nowSeconds = Int64(now().timeIntervalSince1970)
            let day = Int((nowSeconds - Int64(open.openedAt.timeIntervalSince1970)) / max(daySeconds, 1))
            var step = StepRecord(caseID: open.caseID, step: PlannedStep(kind: .retry, day: day, dueAt: nowSeconds))
            step.stepKey = "retry-new-method-\(eventID)"
            try await store.addStep(step)
            logger.info("payment method changed; retrying the invoice now", metadata: ["case": "\(open.caseID)"])
        }
    }

    /// Sets the tenant's service state from its open cases and tells the platform if it changed.
    func updateServiceState(tenantID: String, reason: String, store: DunningStore) async throws {
        let open = try await store.openCases(tenantID: tenantID).map(\.dunningCase)
        let state = DunningCases.serviceState(openCases: open, now: Int64(now().timeIntervalSince1970), policy: policy,
                                              daySeconds: daySeconds)
        let previous = try await store.setServiceState(tenantID: tenantID, state, reason: reason)
        guard previous != state else { return }
        // For the platform, which binds its own queue to `internal.tenant.#`; nothing here
        // consumes it, so it is not mandatory that a queue takes it.
        try await publish(id: "state:\(tenantID):\(state.rawValue):\(Int64(now().timeIntervalSince1970))", tenantID: tenantID,
                          payload: TenantServiceStateChanged(state: state.rawValue, previous: previous.rawValue, reason: reason),
                          type: TenantServiceStateChanged.eventType, mandatory: false)
    }

    // MARK: steps

    func runStep(_ event: InboundEvent, store: DunningStore, connection: PostgresConnection, logger: Logger) async throws {
        let due: DunningStepDue
        do {
            due = try JSONDecoder().decode(InternalEvent.Envelope<DunningStepDue>.self, from: Data(event.body)).data
        } catch {
            throw PermanentFailure("step message \(event.id): \(FailureClassifier.describe(error))")
        }
        guard let record = try await store.dunningCase(id: due.caseID), let step = try await store.step(caseID: due.caseID, key: due.stepKey) else {
            throw PermanentFailure("no dunning step \(due.stepKey) in case \(due.caseID)")
        }
        guard step.status == .pending || step.status == .dispatched else { return }  // already run: a duplicate message
        guard record.status == .open else {
            return try await store.finish(caseID: record.caseID, key: step.stepKey, status: .skipped, reason: "case closed", outcome: nil)
        }
        if Self.stripeCall(for: step, of: record) != nil {
            // Called after this transaction commits, never while it holds the case's lock.
            try await store.markCalling(caseID: record.caseID, key: step.stepKey)
            let payload = String(decoding: try JSONEncoder().encode(PendingStep(caseID: record.caseID, stepKey: step.stepKey)), as: UTF8.self)
            try await PendingCallStore(connection: connection, logger: logger).add(key: "step:\(record.caseID):\(step.stepKey)",
                                                                                   consumer: event.consumer, eventID: event.id, payload: payload)
            return
        }
        let (status, reason, outcome) = try await execute(step, of: record, store: store, logger: logger)
        try await store.finish(caseID: record.caseID, key: step.stepKey, status: status, reason: reason, outcome: outcome)
    }

    /// The Stripe call a step makes, if it makes one now: a payment retry (unless retries are
    /// paused after a hard decline) or the subscription's cancellation.
    static func stripeCall(for step: StepRecord, of record: CaseRecord) -> StripeRequest? {
        let key = "\(record.caseID):\(step.stepKey)"
        switch step.kind {
        case .retry where record.retriesPausedReason == nil:
            return StripeRequest(.post, "/v1/invoices/\(StripeRequest.segment(record.stripeInvoiceID))/pay", idempotencyKey: key)
        case .cancel:
            guard let subscriptionID = record.stripeSubscriptionID else { return nil }
            return StripeRequest(.delete, "/v1/subscriptions/\(StripeRequest.segment(subscriptionID))",
                                 form: [.init("cancellation_details[comment]", "unpaid: dunning schedule ended")], idempotencyKey: key)
        default:
            return nil
        }
    }

    /// What a step's row in `pending_calls` carries.
    struct PendingStep: Codable {
        var caseID: String
        var stepKey: String
    }

    /// What Stripe answered to a step's call.
    enum CallAnswer {
        case succeeded
        /// A card error: the decline code, if Stripe gave one.
        case declined(String?)
        /// Any other refusal.
        case refused(String)
    }

    /// Makes a step's Stripe call (after the transaction that decided it), then records the
    /// answer with the case locked. A retryable error throws, and the call is tried again later
    /// with the same idempotency key.
    public func complete(_ call: PendingCall, database: PostgresClient, logger: Logger) async throws {
        let pending: PendingStep
        do {
            pending = try JSONDecoder().decode(PendingStep.self, from: Data(call.payload.utf8))
        } catch {
            throw PermanentFailure("pending call \(call.key): \(FailureClassifier.describe(error))")
        }
        let (record, step) = try await DunningStore.withConnection(on: database, logger: logger) { store in
            (try await store.dunningCase(id: pending.caseID, lock: false), try await store.step(caseID: pending.caseID, key: pending.stepKey))
        }
        guard let record, let step, step.status == .calling, record.status == .open, let request = Self.stripeCall(for: step, of: record) else {
            // Nothing to call any more: the case closed (a payment came in while this call waited
            // for a retry) or retries were paused since. The step is skipped, never left calling.
            try await database.transaction(logger: logger) { connection in
                guard try await PendingCallStore(connection: connection, logger: logger).finish(call), let step, step.status == .calling else { return }
                let reason = record?.status == .open ? "retries paused after a hard decline (\(record?.retriesPausedReason ?? "?"))" : "case closed"
                try await DunningStore(connection: connection, logger: logger).finish(
                    caseID: step.caseID, key: step.stepKey, status: .skipped, reason: reason, outcome: nil)
            }
            return
        }
        let answer: CallAnswer
        do {
            _ = try await stripe.send(request)
            answer = .succeeded
        } catch let error as StripeAPIError {
            guard case .api(let refusal) = error, !error.isRetryable else {
                throw TransientFailure("\(step.kind.rawValue) \(step.stepKey) of \(record.caseID): \(error)")
            }
            answer = refusal.type == "card_error" && step.kind == .retry ? .declined(refusal.declineCode ?? refusal.code) : .refused(error.description)
        }
        try await database.transaction(logger: logger) { connection in
            guard try await PendingCallStore(connection: connection, logger: logger).finish(call) else { return }
            let store = DunningStore(connection: connection, logger: logger)
            guard let current = try await store.dunningCase(id: pending.caseID) else { return }
            let (status, reason, outcome) = try await settle(answer, of: step, case: current, store: store, logger: logger)
            try await store.finish(caseID: current.caseID, key: step.stepKey, status: status, reason: reason, outcome: outcome)
        }
    }

    /// Records a step's call as failed: Stripe could not be reached.
    public func abandon(_ call: PendingCall, reason: String, database: PostgresClient, logger: Logger) async throws {
        // A payload that does not decode leaves no step to record: the row alone is ended.
        let pending = try? JSONDecoder().decode(PendingStep.self, from: Data(call.payload.utf8))
        try await database.transaction(logger: logger) { connection in
            guard try await PendingCallStore(connection: connection, logger: logger).finish(call), let pending else { return }
            try await DunningStore(connection: connection, logger: logger).finish(
                caseID: pending.caseID, key: pending.stepKey, status: .failed, reason: "Stripe was not reached: \(reason)", outcome: nil)
        }
    }

    /// The step's status, reason and outcome for Stripe's answer, with the case's effects: a
    /// paid invoice closes the case, a decline is remembered (a hard one pauses the retries).
    func settle(_ answer: CallAnswer, of step: StepRecord, case record: CaseRecord, store: DunningStore, logger: Logger) async throws
        -> (StepRecord.Status, String?, String?)
    {
        switch (step.kind, answer) {
        case (_, .refused(let description)):
            return (.failed, description, nil)
        case (.retry, .declined(let decline)):
            var updated = record
            updated.lastDeclineCode = decline
            if let decline, Self.hardDeclines.contains(decline) { updated.retriesPausedReason = decline }
            try await store.save(updated)
            return (.done, nil, "declined: \(decline ?? "card_error")")
        case (.retry, _):
            // The webhook of the payment may have closed the case already.
            if record.status == .open { try await close(record, .paid, at: Int64(now().timeIntervalSince1970), store: store, logger: logger) }
            return (.done, nil, "paid")
        default:
            return (.done, nil, "subscription canceled")
        }
    }

    func execute(_ step: StepRecord, of record: CaseRecord, store: DunningStore, logger: Logger) async throws
        -> (StepRecord.Status, String?, String?)
    {
        switch step.kind {
        case .retry:
            // A retry that calls Stripe went to `complete`; this one is paused.
            return (.skipped, "retries paused after a hard decline (\(record.retriesPausedReason ?? "?")) until the payment method changes", nil)
        case .notify:
            // A notice says when the payment is tried next, if a retry is still ahead.
            var extra: [String: JSONValue] = [:]
            if record.retriesPausedReason == nil,
               let next = try await store.steps(caseID: record.caseID).first(where: { $0.kind == .retry && $0.status == .pending && $0.dueAt > step.dueAt }) {
                extra["next_retry_at"] = .number(next.dueAt.timeIntervalSince1970.rounded())
            }
            try await requestNotification(key: "\(record.caseID):\(step.stepKey)", template: step.template ?? "payment_failed", roles: step.roles,
                                          for: record, extra: extra)
            return (.done, nil, "notification requested")
        case .outreach:
            try await store.addTask(caseID: record.caseID, key: step.stepKey, tenantID: record.tenantID, kind: "account_manager_outreach")
            try await requestNotification(key: "\(record.caseID):\(step.stepKey)", template: step.template ?? "account_manager_outreach",
                                          roles: [.accountManager], for: record, extra: [:])
            return (.done, nil, "task recorded")
        case .degrade, .suspend:
            guard let tenantID = record.tenantID else { return (.skipped, "the case has no tenant", nil) }
            let open = try await store.openCases(tenantID: tenantID)
            guard open.first?.caseID == record.caseID else {
                return (.skipped, "not the tenant's oldest open case, which decides its service", nil)
            }
            try await updateServiceState(tenantID: tenantID, reason: "case \(record.caseID) \(step.stepKey)", store: store)
            try await requestNotification(key: "\(record.caseID):\(step.stepKey)", template: step.template ?? "service_\(step.kind.rawValue)d",
                                          roles: step.roles, for: record, extra: [:])
            return (.done, nil, step.kind == .degrade ? "service degraded" : "service suspended")
        case .cancel:
            // A cancellation with a subscription went to `complete`.
            return (.skipped, "the case has no subscription", nil)
        }
    }

    // MARK: messages

    /// Asks the notifications consumer for a notice; `key` makes a repeated request a no-op.
    func requestNotification(key: String, template: String, roles: [ContactRole], for record: CaseRecord,
                             extra: [String: JSONValue]) async throws {
        guard let tenantID = record.tenantID else { return }
        var data = Self.notificationData(for: record, suspendAfterDays: policy.schedule(for: record.tier).suspendAfterDays,
                                         daySeconds: daySeconds, now: Int64(now().timeIntervalSince1970))
        data.merge(extra) { $1 }
        let request = NotificationRequested(key: key, template: template, roles: roles, data: data)
        try await publish(id: request.eventID, tenantID: tenantID, payload: request, type: NotificationRequested.eventType)
    }

    /// What every dunning notice carries (the notification templates read these names).
    static func notificationData(for record: CaseRecord, suspendAfterDays: Int?, daySeconds: Int64, now: Int64) -> [String: JSONValue] {
        var data: [String: JSONValue] = [
            "case_id": .string(record.caseID), "invoice_id": .string(record.stripeInvoiceID),
            "amount_due": .number(Double(record.amountDue ?? 0)), "currency": .string(record.currency ?? "usd"),
        ]
        if let url = record.hostedInvoiceURL { data["invoice_url"] = .string(url) }
        if let days = suspendAfterDays {
            let opened = Int64(record.openedAt.timeIntervalSince1970)
            // Whole days left, rounded up: a notice sent a moment after the case opened still
            // says 45, not 44 (rounding down did that whenever the handler ran a second late).
            let day = max(daySeconds, 1)
            let left = opened + Int64(days) * day - now
            data["days_until_suspension"] = .number(Double(left <= 0 ? 0 : (left + day - 1) / day))
        }
        return data
    }

    func publish(id: String, tenantID: String, payload: some Encodable, type: String, mandatory: Bool = true) async throws {
        let event = try InternalEvent(id: id, type: type, occurredAt: now(), tenantID: tenantID, payload: payload)
        try await publisher.publish([try InternalEventMessage.make(event, source: .dunning, mandatory: mandatory)])
    }

    // MARK: payload probes

    static func defaultPaymentMethodChanged(_ body: [UInt8]) -> Bool {
        struct Probe: Decodable {
            struct DataPart: Decodable {
                struct Previous: Decodable { var invoice_settings: JSONValue? }
                var previous_attributes: Previous?
            }
            var data: DataPart
        }
        return (try? JSONDecoder().decode(Probe.self, from: Data(body)))?.data.previous_attributes?.invoice_settings != nil
    }

    static func attachedCustomer(_ body: [UInt8]) -> String? {
        struct Probe: Decodable {
            struct DataPart: Decodable {
                struct Method: Decodable { var customer: String? }
                var object: Method
            }
            var data: DataPart
        }
        return (try? JSONDecoder().decode(Probe.self, from: Data(body)))?.data.object.customer
    }
}
