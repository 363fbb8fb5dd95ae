import BillingCore
import Foundation
import Logging
import PostgresNIO

/// `dunning_cases`: one per failed subscription invoice.
public struct CaseRecord: LifecycleRecord {
    public static let table = "dunning_cases"
    public static let key = ["case_id"]

    public var caseID: String
    public var stripeInvoiceID: String
    public var stripeSubscriptionID: String?
    public var stripeCustomerID: String
    public var tenantID: String?
    public var tier: PlanTier?
    public var status: DunningCase.Status
    public var openedAt: Date
    public var attempts: Int
    public var amountDue: Int64?
    public var currency: String?
    public var hostedInvoiceURL: String?
    /// A hard decline's code: no retry runs until the payment method changes.
    public var retriesPausedReason: String?
    public var lastDeclineCode: String?
    public var closedAt: Date?
    public var closeReason: DunningCase.CloseReason?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case caseID = "case_id", stripeInvoiceID = "stripe_invoice_id", stripeSubscriptionID = "stripe_subscription_id"
        case stripeCustomerID = "stripe_customer_id", tenantID = "tenant_id", tier, status, openedAt = "opened_at", attempts
        case amountDue = "amount_due", currency, hostedInvoiceURL = "hosted_invoice_url", retriesPausedReason = "retries_paused_reason"
        case lastDeclineCode = "last_decline_code", closedAt = "closed_at", closeReason = "close_reason"
    }

    /// The case id of an invoice: one case per invoice, whoever opens it.
    public static func id(invoice: String) -> String { "dc_\(invoice)" }

    public init(invoiceID: String, subscriptionID: String?, customerID: String, tenantID: String?, tier: PlanTier?,
                status: DunningCase.Status, openedAt: Date, attempts: Int, amountDue: Int64?, currency: String?,
                hostedInvoiceURL: String?, closedAt: Date? = nil, closeReason: DunningCase.CloseReason? = nil) {
        self.caseID = Self.id(invoice: invoiceID)
        self.stripeInvoiceID = invoiceID
        self.stripeSubscriptionID = subscriptionID
        self.stripeCustomerID = customerID
        self.tenantID = tenantID
        self.tier = tier
        self.status = status
        self.openedAt = openedAt
        self.attempts = attempts
        self.amountDue = amountDue
        self.currency = currency
        self.hostedInvoiceURL = hostedInvoiceURL
        self.closedAt = closedAt
        self.closeReason = closeReason
    }

    /// The case as the pure decisions see it.
    public var dunningCase: DunningCase {
        DunningCase(invoiceID: stripeInvoiceID, tenantID: tenantID, tier: tier, status: status,
                    openedAt: Int64(openedAt.timeIntervalSince1970), attempts: attempts,
                    closedAt: closedAt.map { Int64($0.timeIntervalSince1970) }, closeReason: closeReason)
    }
}

/// `dunning_steps`: one dated step of a case.
public struct StepRecord: LifecycleRecord {
    public static let table = "dunning_steps"
    public static let key = ["case_id", "step_key"]

    public enum Status: String, Codable, Sendable { case pending, dispatched, done, skipped, failed }

    public var caseID: String
    public var stepKey: String
    public var kind: DunningStepKind
    public var day: Int
    public var dueAt: Date
    public var roles: [ContactRole]
    public var template: String?
    public var status: Status
    public var reason: String?
    public var outcome: String?
    public var dispatchedAt: Date?
    public var doneAt: Date?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case caseID = "case_id", stepKey = "step_key", kind, day, dueAt = "due_at", roles, template, status, reason, outcome
        case dispatchedAt = "dispatched_at", doneAt = "done_at"
    }

    public init(caseID: String, step: PlannedStep) {
        self.caseID = caseID
        self.stepKey = step.key
        self.kind = step.kind
        self.day = step.day
        self.dueAt = Date(timeIntervalSince1970: TimeInterval(step.dueAt))
        self.roles = step.roles
        self.template = step.template
        self.status = .pending
    }

    /// The step as the planner made it.
    public var planned: PlannedStep {
        PlannedStep(kind: kind, day: day, dueAt: Int64(dueAt.timeIntervalSince1970), roles: roles, template: template)
    }
}

/// Reads and writes dunning cases and steps, inside the caller's transaction.
public struct DunningStore: Sendable {
    public let connection: PostgresConnection
    public let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// The invoice's case, locked for this transaction.
    public func caseForInvoice(_ invoiceID: String) async throws -> CaseRecord? {
        try await rows(CaseRecord.self, "SELECT to_jsonb(c)::text FROM dunning_cases c WHERE stripe_invoice_id = \(invoiceID) FOR UPDATE").first
    }

    public func caseByID(_ caseID: String, lock: Bool = true) async throws -> CaseRecord? {
        let query: PostgresQuery = lock
            ? "SELECT to_jsonb(c)::text FROM dunning_cases c WHERE case_id = \(caseID) FOR UPDATE"
            : "SELECT to_jsonb(c)::text FROM dunning_cases c WHERE case_id = \(caseID)"
        return try await rows(CaseRecord.self, query).first
    }

    /// The tenant's open cases, oldest first.
    public func openCases(tenantID: String) async throws -> [CaseRecord] {
        try await rows(CaseRecord.self, """
            SELECT to_jsonb(c)::text FROM dunning_cases c WHERE tenant_id = \(tenantID) AND status = 'open' ORDER BY opened_at, case_id
            """)
    }

    /// Open cases of a subscription, or of a customer, locked.
    public func openCases(subscriptionID: String? = nil, customerID: String? = nil) async throws -> [CaseRecord] {
        try await rows(CaseRecord.self, """
            SELECT to_jsonb(c)::text FROM dunning_cases c
             WHERE status = 'open' AND (stripe_subscription_id = \(subscriptionID) OR stripe_customer_id = \(customerID))
             ORDER BY opened_at, case_id FOR UPDATE
            """)
    }

    public func insert(_ record: CaseRecord, steps: [StepRecord]) async throws {
        try await LifecycleStore.insert([record], on: connection, logger: logger)
        try await LifecycleStore.insert(steps, on: connection, logger: logger)
    }

    public func save(_ record: CaseRecord) async throws {
        try await LifecycleStore.upsert([record], versioned: false, on: connection, logger: logger)
    }

    public func steps(caseID: String) async throws -> [StepRecord] {
        try await rows(StepRecord.self, "SELECT to_jsonb(s)::text FROM dunning_steps s WHERE case_id = \(caseID) ORDER BY due_at, step_key")
    }

    public func step(caseID: String, key: String) async throws -> StepRecord? {
        try await rows(StepRecord.self, "SELECT to_jsonb(s)::text FROM dunning_steps s WHERE case_id = \(caseID) AND step_key = \(key) FOR UPDATE").first
    }

    public func addStep(_ step: StepRecord) async throws {
        try await LifecycleStore.insert([step], on: connection, logger: logger)
    }

    /// Records a step's end: done, skipped or failed, with why and what happened.
    public func finish(caseID: String, key: String, status: StepRecord.Status, reason: String?, outcome: String?) async throws {
        _ = try await connection.query("""
            UPDATE dunning_steps SET status = \(status.rawValue), reason = \(reason), outcome = \(outcome), done_at = now()
             WHERE case_id = \(caseID) AND step_key = \(key)
            """, logger: logger).collect()
    }

    /// Skips every step of the case still waiting (pending or dispatched), with `reason`.
    public func skipRemaining(caseID: String, reason: String) async throws {
        _ = try await connection.query("""
            UPDATE dunning_steps SET status = 'skipped', reason = \(reason), done_at = now()
             WHERE case_id = \(caseID) AND status IN ('pending', 'dispatched')
            """, logger: logger).collect()
    }

    /// Sets the tenant's service state; returns the state it had.
    @discardableResult
    public func setServiceState(tenantID: String, _ state: ServiceState, reason: String) async throws -> ServiceState {
        var previous = ServiceState.normal
        for try await old in try await connection.query(
            "SELECT state FROM tenant_service_states WHERE tenant_id = \(tenantID) FOR UPDATE", logger: logger).decode(String.self) {
            previous = ServiceState(rawValue: old) ?? .normal
        }
        _ = try await connection.query("""
            INSERT INTO tenant_service_states (tenant_id, state, reason) VALUES (\(tenantID), \(state.rawValue), \(reason))
            ON CONFLICT (tenant_id) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, updated_at = now()
            """, logger: logger).collect()
        return previous
    }

    public func addTask(caseID: String, key: String, tenantID: String?, kind: String) async throws {
        _ = try await connection.query("""
            INSERT INTO dunning_tasks (case_id, step_key, tenant_id, kind) VALUES (\(caseID), \(key), \(tenantID), \(kind))
            ON CONFLICT DO NOTHING
            """, logger: logger).collect()
    }

    /// Due pending steps, oldest first, with their case's tenant, locked so that another
    /// scheduler skips them.
    public func dueSteps(now: Date, limit: Int) async throws -> [(step: StepRecord, tenantID: String?)] {
        let decoder = RecordCoding.decoder
        var due: [(step: StepRecord, tenantID: String?)] = []
        let rows = try await connection.query("""
            SELECT to_jsonb(s)::text, c.tenant_id FROM dunning_steps s JOIN dunning_cases c ON c.case_id = s.case_id
             WHERE s.status = 'pending' AND s.due_at <= \(now)
             ORDER BY s.due_at LIMIT \(limit) FOR UPDATE OF s SKIP LOCKED
            """, logger: logger)
        for try await (json, tenantID) in rows.decode((String, String?).self) {
            due.append((try decoder.decode(StepRecord.self, from: Data(json.utf8)), tenantID))
        }
        return due
    }

    /// Marks steps dispatched (or skipped, with a reason) after their messages were confirmed.
    public func mark(_ steps: [StepRecord], status: StepRecord.Status, reason: String? = nil) async throws {
        guard !steps.isEmpty else { return }
        _ = try await connection.query("""
            UPDATE dunning_steps s SET status = \(status.rawValue), reason = coalesce(\(reason), s.reason),
                   dispatched_at = CASE WHEN \(status.rawValue) = 'dispatched' THEN now() ELSE s.dispatched_at END,
                   done_at = CASE WHEN \(status.rawValue) = 'skipped' THEN now() ELSE s.done_at END
              FROM unnest(\(steps.map(\.caseID))::text[], \(steps.map(\.stepKey))::text[]) AS k(case_id, step_key)
             WHERE s.case_id = k.case_id AND s.step_key = k.step_key
            """, logger: logger).collect()
    }

    func rows<Record: LifecycleRecord>(_: Record.Type, _ query: PostgresQuery) async throws -> [Record] {
        let decoder = RecordCoding.decoder
        var records: [Record] = []
        for try await json in try await connection.query(query, logger: logger).decode(String.self) {
            records.append(try decoder.decode(Record.self, from: Data(json.utf8)))
        }
        return records
    }
}

/// Decoding of dunning rows read as JSON outside a ``DunningStore``.
public enum DunningRecords {
    public static func decode(_ json: String) throws -> CaseRecord {
        try RecordCoding.decoder.decode(CaseRecord.self, from: Data(json.utf8))
    }
}
