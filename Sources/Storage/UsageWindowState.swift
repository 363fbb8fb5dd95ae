import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A window's totals after a write, for the quota check.
public struct UsageWindowState: Sendable, Equatable {
    /// The tenant.
    public var tenantID: String
    /// The usage metric.
    public var metric: String
    /// `period` or `day`.
    public var windowKind: String
    /// When the window ends.
    public var windowEnd: Date
    /// The window's sum of units after the write.
    public var sum: Int64
    /// The window's last value after the write.
    public var last: Int64

    package init(tenantID: String, metric: String, windowKind: String, windowEnd: Date, sum: Int64, last: Int64) {
        self.tenantID = tenantID
        self.metric = metric
        self.windowKind = windowKind
        self.windowEnd = windowEnd
        self.sum = sum
        self.last = last
    }
}
