/// One tier's schedule, in days after the first failed payment.
public struct DunningSchedule: Sendable, Hashable {
    /// Full service until then; after it the tenant's entitlements carry `payment_overdue`.
    var graceDays: Int
    /// Days on which the worker asks Stripe to charge again (when the policy's retries are the worker's).
    package var retryDays: [Int]
    /// Days on which `notifyRoles` are told of the failed payment (day 0: at once).
    var notifyDays: [Int]
    /// Who the notices (and the degrade, suspend and cancel notices) go to.
    public var notifyRoles: [ContactRole]
    /// Days on which the account manager gets an outreach task.
    var outreachDays: [Int]
    /// Day from which service is degraded; nil: never.
    var degradeAfterDays: Int?
    /// Day from which service is suspended; nil: never.
    public var suspendAfterDays: Int?

    /// A schedule from its days, each counted from the first failed payment (day 0).
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
    static let enterprise = DunningSchedule(graceDays: 7, retryDays: [1, 7, 14, 21], notifyDays: [0, 3, 7, 14, 21],
                                                   notifyRoles: [.billing, .admin, .accountManager], outreachDays: [1],
                                                   degradeAfterDays: 30, suspendAfterDays: 45)
    /// The seed's team schedule (also the developer default: the seed falls back to it).
    static let team = DunningSchedule(graceDays: 3, retryDays: [1, 3, 7, 14], notifyDays: [0, 3, 7, 14],
                                             notifyRoles: [.billing, .admin], degradeAfterDays: 14, suspendAfterDays: 30)
}
