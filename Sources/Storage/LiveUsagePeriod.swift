import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A tenant's live subscription as usage sees it: the customer to report to, the plan, and the
/// current period.
public struct LiveUsagePeriod: Sendable, Equatable {
    public var tenantID: String
    public var stripeCustomerID: String
    public var tier: String?
    public var periodStart: Date
    public var periodEnd: Date

    public init(tenantID: String, stripeCustomerID: String, tier: String?, periodStart: Date, periodEnd: Date) {
        self.tenantID = tenantID
        self.stripeCustomerID = stripeCustomerID
        self.tier = tier
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }
}
