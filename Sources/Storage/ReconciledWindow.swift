import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A window's local totals against what was reported for it, for reconciliation.
public struct ReconciledWindow: Sendable, Equatable {
    /// The tenant.
    public var tenantID: String
    /// The usage metric.
    public var metric: String
    /// `period` or `day`.
    public var windowKind: String
    /// When the window starts.
    public var windowStart: Date
    /// When it ends.
    public var windowEnd: Date
    /// The sum (sums) or last value (levels) recorded here.
    public var local: Int64
    /// What Stripe accepted: the sum of sent values (sums), the last sent value (levels).
    public var sent: Int64
    /// What is planned but not accepted yet.
    public var pending: Int64
    /// What Stripe refused for good.
    public var failed: Int64
}
