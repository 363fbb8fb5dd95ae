/// One dated step of a case.
public struct PlannedStep: Sendable, Hashable, Comparable {
    /// What the step does.
    public var kind: DunningStepKind
    /// Days after the first failure.
    public var day: Int
    /// Unix seconds.
    public var dueAt: Int64
    /// For notify and outreach steps.
    public var roles: [ContactRole]
    /// The notification template it requests.
    public var template: String?

    /// Unique within a case: `retry-day-7`. With the case id it names the step everywhere
    /// (idempotency keys, notification keys).
    public var key: String { "\(kind.rawValue)-day-\(day)" }

    /// A step due `day` days after the first failure, at `dueAt` (unix seconds).
    public init(kind: DunningStepKind, day: Int, dueAt: Int64, roles: [ContactRole] = [], template: String? = nil) {
        self.kind = kind
        self.day = day
        self.dueAt = dueAt
        self.roles = roles
        self.template = template
    }

    /// By due time, then in an order that does the kind things first on the same day: a
    /// retry before the notification that tells its outcome, restrictions last.
    public static func < (lhs: PlannedStep, rhs: PlannedStep) -> Bool {
        (lhs.dueAt, order(lhs.kind)) < (rhs.dueAt, order(rhs.kind))
    }

    static func order(_ kind: DunningStepKind) -> Int {
        switch kind {
        case .retry: 0
        case .notify: 1
        case .outreach: 2
        case .degrade: 3
        case .suspend: 4
        case .cancel: 5
        }
    }
}
