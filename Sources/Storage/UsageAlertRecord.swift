import BillingCore
import Foundation
import Logging
import PostgresNIO

/// An alert recorded for the first time (the caller announces it).
public struct UsageAlertRecord: Codable, Sendable, Equatable {
    /// The platform's tenant id.
    public var tenantID: String
    /// The usage metric's name, such as `api_calls` or `storage_gb`.
    public var metric: String
    /// The window's end, in Unix seconds.
    public var windowEnd: Int64
    /// The percentage of the allowance reached (80, 100, …).
    public var threshold: Int
    /// How much was used when it was reached.
    public var usedUnits: Int64

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", metric, windowEnd = "window_end", threshold, usedUnits = "used_units"
    }

    /// An alert to record once.
    public init(tenantID: String, metric: String, windowEnd: Int64, threshold: Int, usedUnits: Int64) {
        self.tenantID = tenantID
        self.metric = metric
        self.windowEnd = windowEnd
        self.threshold = threshold
        self.usedUnits = usedUnits
    }
}
