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
