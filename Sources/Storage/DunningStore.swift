import BillingCore
import Foundation
import Logging
import PostgresNIO

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
