import BillingCore
import Foundation
import Logging
import PostgresNIO

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
