import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A live subscription's current period so far, for the analytics report.
public struct UsageStandingRow: Sendable, Equatable {
    /// The tenant.
    public var tenantID: String
    /// Its plan's name.
    public var tier: String
    /// API calls in the current period.
    public var apiCalls: Int64
    /// The last reported storage level, in GB.
    public var storage: Int64
}
