import BillingCore
import Foundation
import Logging
import PostgresNIO

/// Dunning cases, their steps and tasks, and the tenants' service states. The dunning consumer
/// and the scheduler run it inside their transactions (the `FOR UPDATE` reads lock for the rest
/// of it); the read routes run it on a leased connection.
public struct DunningStore: PostgresStore {
    let connection: PostgresConnection
    let logger: Logger

    /// A store over `connection`, logging to `logger`.
    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// The invoice's case, locked for the rest of the transaction (call it inside one).
    public func dunningCase(invoiceID: String) async throws -> CaseRecord? {
        try await connection.records(CaseRecord.self, """
            SELECT to_jsonb(c)::text FROM dunning_cases c WHERE stripe_invoice_id = \(invoiceID) FOR UPDATE
            """, logger: logger).first
    }

    /// The case with id `caseID`; locked for this transaction when `lock`.
    public func dunningCase(id caseID: String, lock: Bool = true) async throws -> CaseRecord? {
        let query: PostgresQuery = lock
            ? "SELECT to_jsonb(c)::text FROM dunning_cases c WHERE case_id = \(caseID) FOR UPDATE"
            : "SELECT to_jsonb(c)::text FROM dunning_cases c WHERE case_id = \(caseID)"
        return try await connection.records(CaseRecord.self, query, logger: logger).first
    }

    /// The tenant's open cases, oldest first.
    public func openCases(tenantID: String) async throws -> [CaseRecord] {
        try await connection.records(CaseRecord.self, """
            SELECT to_jsonb(c)::text FROM dunning_cases c WHERE tenant_id = \(tenantID) AND status = 'open' ORDER BY opened_at, case_id
            """, logger: logger)
    }

    /// Open cases of a subscription, or of a customer, locked for the rest of the transaction
    /// (call it inside one).
    public func openCases(subscriptionID: String? = nil, customerID: String? = nil) async throws -> [CaseRecord] {
        try await connection.records(CaseRecord.self, """
            SELECT to_jsonb(c)::text FROM dunning_cases c
             WHERE status = 'open' AND (stripe_subscription_id = \(subscriptionID) OR stripe_customer_id = \(customerID))
             ORDER BY opened_at, case_id FOR UPDATE
            """, logger: logger)
    }

    /// Opens a case with its planned steps.
    public func insert(_ record: CaseRecord, steps: [StepRecord]) async throws {
        try await connection.insert([record], logger: logger)
        try await connection.insert(steps, logger: logger)
    }

    /// Writes the case's new state.
    public func save(_ record: CaseRecord) async throws {
        try await connection.upsert([record], versioned: false, logger: logger)
    }

    /// The case's steps, in the order they are due.
    public func steps(caseID: String) async throws -> [StepRecord] {
        try await connection.records(StepRecord.self, """
            SELECT to_jsonb(s)::text FROM dunning_steps s WHERE case_id = \(caseID) ORDER BY due_at, step_key
            """, logger: logger)
    }

    /// One step of a case, locked for the rest of the transaction (call it inside one).
    public func step(caseID: String, key: String) async throws -> StepRecord? {
        try await connection.records(StepRecord.self, """
            SELECT to_jsonb(s)::text FROM dunning_steps s WHERE case_id = \(caseID) AND step_key = \(key) FOR UPDATE
            """, logger: logger).first
    }

    /// Adds a step to a case (one the plan did not have when the case opened).
    public func addStep(_ step: StepRecord) async throws {
        try await connection.insert([step], logger: logger)
    }

    /// Records a step's end: done, skipped or failed, with why and what happened.
    public func finish(caseID: String, key: String, status: StepRecord.Status, reason: String?, outcome: String?) async throws {
        _ = try await connection.query("""
            UPDATE dunning_steps SET status = \(status.rawValue), reason = \(reason), outcome = \(outcome), done_at = now()
             WHERE case_id = \(caseID) AND step_key = \(key)
            """, logger: logger).collect()
    }

    /// Marks a step as calling Stripe: its outcome is recorded once the call has answered.
    public func markCalling(caseID: String, key: String) async throws {
        _ = try await connection.query("""
            UPDATE dunning_steps SET status = 'calling' WHERE case_id = \(caseID) AND step_key = \(key)
            """, logger: logger).collect()
    }

    /// Skips every step of the case still waiting (pending or dispatched), with `reason`.
    public func skipRemaining(caseID: String, reason: String) async throws {
        _ = try await connection.query("""
            UPDATE dunning_steps SET status = 'skipped', reason = \(reason), done_at = now()
             WHERE case_id = \(caseID) AND status IN ('pending', 'dispatched')
            """, logger: logger).collect()
    }

    /// Sets the tenant's service state; returns the state it had. Call it inside a transaction:
    /// the state's row stays locked until it commits.
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

    /// Records a task for people (for example an account manager's call) once per step.
    public func addTask(caseID: String, key: String, tenantID: String?, kind: String) async throws {
        _ = try await connection.query("""
            INSERT INTO dunning_tasks (case_id, step_key, tenant_id, kind) VALUES (\(caseID), \(key), \(tenantID), \(kind))
            ON CONFLICT DO NOTHING
            """, logger: logger).collect()
    }

    /// Due pending steps, oldest first, with their case's tenant, locked so that another
    /// scheduler skips them until this transaction ends. Call it inside a transaction.
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

    /// Cases, newest first, filtered by status and tenant when given.
    public func cases(status: DunningCase.Status?, tenantID: String?, limit: Int) async throws -> [CaseRecord] {
        try await connection.records(CaseRecord.self, """
            SELECT to_jsonb(c)::text FROM dunning_cases c
             WHERE (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue)) AND (\(tenantID)::text IS NULL OR tenant_id = \(tenantID))
             ORDER BY opened_at DESC LIMIT \(limit)
            """, logger: logger)
    }

    /// The service state dunning set for the tenant (normal when none).
    public func serviceState(tenantID: String) async throws -> ServiceState {
        let rows = try await connection.query("SELECT state FROM tenant_service_states WHERE tenant_id = \(tenantID)", logger: logger)
        for try await state in rows.decode(String.self) { return ServiceState(rawValue: state) ?? .normal }
        return .normal
    }
}
