import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A tenant's live subscription as usage sees it: the customer to report to, the plan, and the
/// current period.
public struct LiveUsagePeriod: Sendable, Equatable {
    /// The tenant.
    public var tenantID: String
    /// The subscription's customer, whom meter events are reported for.
    public var stripeCustomerID: String
    /// The subscription's plan name, if its price maps to one.
    public var tier: String?
    /// When the current billing period started.
    public var periodStart: Date
    /// When it ends.
    public var periodEnd: Date

    package init(tenantID: String, stripeCustomerID: String, tier: String?, periodStart: Date, periodEnd: Date) {
        self.tenantID = tenantID
        self.stripeCustomerID = stripeCustomerID
        self.tier = tier
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }
}
