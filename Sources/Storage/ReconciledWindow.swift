import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A window's local totals against what was reported for it, for reconciliation.
public struct ReconciledWindow: Sendable, Equatable {
    public var tenantID: String
    public var metric: String
    public var windowKind: String
    public var windowStart: Date
    public var windowEnd: Date
    /// The sum (sums) or last value (levels) recorded here.
    public var local: Int64
    /// What Stripe accepted: the sum of sent values (sums), the last sent value (levels).
    public var sent: Int64
    public var pending: Int64
    public var failed: Int64
}
