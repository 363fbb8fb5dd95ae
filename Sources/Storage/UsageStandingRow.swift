import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A live subscription's current period so far, for the analytics report.
public struct UsageStandingRow: Sendable, Equatable {
    public var tenantID: String
    public var tier: String
    public var apiCalls: Int64
    public var storage: Int64
}
