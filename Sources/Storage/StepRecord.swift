import BillingCore
import Foundation
import Logging
import PostgresNIO

/// `dunning_steps`: one dated step of a case.
public struct StepRecord: LifecycleRecord {
    package static let table = "dunning_steps"
    package static let key = ["case_id", "step_key"]

    /// Where a step stands: `pending` until due, `dispatched` once its message is published, then `done`, `skipped` or `failed`.
    public enum Status: String, Codable, Sendable {
        case pending, dispatched
        /// Its Stripe call (a payment retry, a cancellation) is being made, after the transaction that decided it.
        case calling
        case done, skipped, failed
    }

    /// The case the step belongs to.
    public var caseID: String
    /// The step's key within its case, such as `notify-day-0` or `suspend-day-30`.
    public var stepKey: String
    /// What the step does: retry, notify, outreach, degrade, suspend or cancel.
    public var kind: DunningStepKind
    /// The day of the schedule, counted from the case opening.
    public var day: Int
    /// When the step is due.
    public var dueAt: Date
    /// Whom its notification goes to.
    public var roles: [ContactRole]
    /// The notification template, for a notify step.
    public var template: String?
    /// Where it stands now.
    public var status: Status
    /// Why it was skipped or failed.
    public var reason: String?
    /// What running it did, in words an operator reads.
    public var outcome: String?
    /// When its message was published.
    public var dispatchedAt: Date?
    /// When it finished.
    public var doneAt: Date?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case caseID = "case_id", stepKey = "step_key", kind, day, dueAt = "due_at", roles, template, status, reason, outcome
        case dispatchedAt = "dispatched_at", doneAt = "done_at"
    }

    /// The row of a planned step of case `caseID`.
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
