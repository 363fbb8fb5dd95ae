import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A window's totals after a write, for the quota check.
public struct UsageWindowState: Sendable, Equatable {
    public var tenantID: String
    public var metric: String
    public var windowKind: String
    public var windowEnd: Date
    public var sum: Int64
    public var last: Int64

    public init(tenantID: String, metric: String, windowKind: String, windowEnd: Date, sum: Int64, last: Int64) {
        self.tenantID = tenantID
        self.metric = metric
        self.windowKind = windowKind
        self.windowEnd = windowEnd
        self.sum = sum
        self.last = last
    }
}
