import BillingCore
import Foundation
import Logging
import PostgresNIO

/// An alert recorded for the first time (the caller announces it).
public struct UsageAlertRecord: Codable, Sendable, Equatable {
    public var tenantID: String
    public var metric: String
    public var windowEnd: Int64
    public var threshold: Int
    public var usedUnits: Int64

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", metric, windowEnd = "window_end", threshold, usedUnits = "used_units"
    }

    public init(tenantID: String, metric: String, windowEnd: Int64, threshold: Int, usedUnits: Int64) {
        self.tenantID = tenantID
        self.metric = metric
        self.windowEnd = windowEnd
        self.threshold = threshold
        self.usedUnits = usedUnits
    }
}
