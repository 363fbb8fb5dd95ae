/// Who a dunning notification goes to, from the billing account's contacts.
public enum ContactRole: String, Sendable, Hashable, CaseIterable, Codable {
    case billing, admin
    case accountManager = "account_manager"
}

/// What one dunning step does.
public enum DunningStepKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Ask Stripe to charge the invoice again (`POST /v1/invoices/{id}/pay`).
    case retry
    /// Request a notification to the schedule's roles.
    case notify
    /// A task for the account manager, and a notification to them.
    case outreach
    /// Restrict the tenant's service (entitlements read it) and notify.
    case degrade
    /// Suspend the tenant's service and notify.
    case suspend
    /// Cancel the subscription (when the policy says so after suspension).
    case cancel
}

/// One tier's schedule, in days after the first failed payment.
public struct DunningSchedule: Sendable, Hashable {
    /// Full service until then; after it the tenant's entitlements carry `payment_overdue`.
    public var graceDays: Int
    public var retryDays: [Int]
    public var notifyDays: [Int]
    public var notifyRoles: [ContactRole]
    public var outreachDays: [Int]
    public var degradeAfterDays: Int?
    public var suspendAfterDays: Int?

    public init(graceDays: Int, retryDays: [Int], notifyDays: [Int], notifyRoles: [ContactRole], outreachDays: [Int] = [],
                degradeAfterDays: Int?, suspendAfterDays: Int?) {
        self.graceDays = graceDays
        self.retryDays = retryDays
        self.notifyDays = notifyDays
        self.notifyRoles = notifyRoles
        self.outreachDays = outreachDays
        self.degradeAfterDays = degradeAfterDays
        self.suspendAfterDays = suspendAfterDays
    }

    /// The seed's enterprise schedule.
    public static let enterprise = DunningSchedule(graceDays: 7, retryDays: [1, 7, 14, 21], notifyDays: [0, 3, 7, 14, 21],
                                                   notifyRoles: [.billing, .admin, .accountManager], outreachDays: [1],
                                                   degradeAfterDays: 30, suspendAfterDays: 45)
    /// The seed's team schedule (also the developer default: the seed falls back to it).
    public static let team = DunningSchedule(graceDays: 3, retryDays: [1, 3, 7, 14], notifyDays: [0, 3, 7, 14],
                                             notifyRoles: [.billing, .admin], degradeAfterDays: 14, suspendAfterDays: 30)
}

/// The whole dunning policy (`config/dunning.yaml`).
public struct DunningPolicy: Sendable, Hashable {
    /// Who charges again: this worker (`worker`), or Stripe's Smart Retries (`stripe`: the
    /// worker only notifies and restricts service).
    public enum RetryOwner: String, Sendable, Hashable { case worker, stripe }

    public enum AfterSuspension: Sendable, Hashable {
        case staySuspended
        /// Cancel the subscription this many days after suspension.
        case cancel(afterDays: Int)
    }

    public var schedules: [PlanTier: DunningSchedule]
    public var retries: RetryOwner
    public var afterSuspension: AfterSuspension

    public init(schedules: [PlanTier: DunningSchedule], retries: RetryOwner = .worker, afterSuspension: AfterSuspension = .staySuspended) {
        self.schedules = schedules
        self.retries = retries
        self.afterSuspension = afterSuspension
    }

    /// The seed's policy: enterprise and team as given, developer on team's schedule.
    public static let seed = DunningPolicy(schedules: [.enterprise: .enterprise, .team: .team, .developer: .team])

    /// The tier's schedule; a subscription without a known tier gets team's.
    public func schedule(for tier: PlanTier?) -> DunningSchedule {
        tier.flatMap { schedules[$0] } ?? schedules[.team] ?? .team
    }
}

/// One dated step of a case.
public struct PlannedStep: Sendable, Hashable, Comparable {
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

public enum DunningPlanner {
    /// The steps of a case opened by a payment that failed at `failedAt` (unix seconds), for a
    /// subscription of `tier`. `daySeconds` is a "day" (86,400; shorter in tests and demos).
    public static func plan(policy: DunningPolicy, failedAt: Int64, tier: PlanTier?, daySeconds: Int64 = 86_400) -> [PlannedStep] {
        let schedule = policy.schedule(for: tier)
        func at(_ day: Int) -> Int64 { failedAt + Int64(day) * daySeconds }
        var steps: [PlannedStep] = []
        if policy.retries == .worker {
            for day in Set(schedule.retryDays) { steps.append(PlannedStep(kind: .retry, day: day, dueAt: at(day))) }
        }
        let retryDays = policy.retries == .worker ? Set(schedule.retryDays) : []
        for day in Set(schedule.notifyDays) {
            // The first notice says the payment failed; later ones say when it is tried
            // again, while a retry is still ahead.
            let retryAhead = retryDays.contains { $0 > day }
            let template = day == 0 || !retryAhead ? "payment_failed" : "payment_retry_scheduled"
            steps.append(PlannedStep(kind: .notify, day: day, dueAt: at(day), roles: schedule.notifyRoles, template: template))
        }
        for day in Set(schedule.outreachDays) {
            steps.append(PlannedStep(kind: .outreach, day: day, dueAt: at(day), roles: [.accountManager], template: "account_manager_outreach"))
        }
        if let day = schedule.degradeAfterDays {
            steps.append(PlannedStep(kind: .degrade, day: day, dueAt: at(day), roles: schedule.notifyRoles, template: "service_degraded"))
        }
        if let day = schedule.suspendAfterDays {
            steps.append(PlannedStep(kind: .suspend, day: day, dueAt: at(day), roles: schedule.notifyRoles, template: "service_suspended"))
            if case .cancel(let after) = policy.afterSuspension {
                steps.append(PlannedStep(kind: .cancel, day: day + after, dueAt: at(day + after), roles: schedule.notifyRoles,
                                         template: "subscription_canceled"))
            }
        }
        return steps.sorted()
    }

    /// Of the steps due at once after downtime, what still makes sense: only the latest
    /// overdue retry runs (the earlier ones would charge the same invoice again), overdue
    /// notifications collapse into the latest one, and every restriction runs (in order).
    /// Returns the steps to run and those to skip, each in due order.
    public static func catchUp(_ due: [PlannedStep]) -> (run: [PlannedStep], skip: [PlannedStep]) {
        catchUp(due, planned: { $0 })
    }

    /// ``catchUp(_:)`` over any step type, seen through `planned`.
    public static func catchUp<Step>(_ due: [Step], planned: (Step) -> PlannedStep) -> (run: [Step], skip: [Step]) {
        let order = due.indices.sorted { planned(due[$0]) < planned(due[$1]) }
        let latestRetry = order.last { planned(due[$0]).kind == .retry }
        let latestNotice = order.last { planned(due[$0]).kind == .notify }
        var run: [Step] = [], skip: [Step] = []
        for index in order {
            switch planned(due[index]).kind {
            case .retry where index != latestRetry, .notify where index != latestNotice:
                skip.append(due[index])
            default:
                run.append(due[index])
            }
        }
        return (run, skip)
    }
}
