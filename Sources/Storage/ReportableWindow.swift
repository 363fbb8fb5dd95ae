import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A window the reporter may owe Stripe a meter event for.
public struct ReportableWindow: Sendable, Equatable {
    public var tenantID: String
    public var stripeCustomerID: String
    public var totals: UsageWindowTotals
    public var sequence: Int
}
