import BillingCore

/// The scheduler's message that one step of a dunning case is due: the `data` of an
/// ``InternalEvent`` of type ``eventType``, with id `step:<case>:<step>`.
public struct DunningStepDue: Sendable, Equatable, Codable {
    /// `dunning.step_due`.
    public static let eventType = "dunning.step_due"

    /// The dunning case's id.
    public var caseID: String
    /// The step's key within its case (``PlannedStep/key``: `retry-day-7`).
    public var stepKey: String
    /// A ``DunningStepKind`` raw value; informative (the step is read from the database), so a
    /// message without it is still run.
    var kind: String?

    enum CodingKeys: String, CodingKey {
        case caseID = "case_id"
        case stepKey = "step_key"
        case kind
    }

    /// The message for one due step.
    public init(caseID: String, stepKey: String, kind: String?) {
        self.caseID = caseID
        self.stepKey = stepKey
        self.kind = kind
    }

    /// The event id: the same step is one event, however often it is dispatched.
    public var eventID: String { "step:\(caseID):\(stepKey)" }
}
