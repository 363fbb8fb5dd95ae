import BillingCore
import Foundation
import Logging
import PostgresNIO

/// One usage report as stored: exact whole units of its metric.
public struct UsageEventRecord: Codable, Sendable, Equatable {
    public var eventID: String
    public var tenantID: String
    public var metric: String
    public var units: Int64
    public var occurredAt: Date

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", tenantID = "tenant_id", metric, units, occurredAt = "occurred_at"
    }

    public init(eventID: String, tenantID: String, metric: String, units: Int64, occurredAt: Date) {
        self.eventID = eventID
        self.tenantID = tenantID
        self.metric = metric
        self.units = units
        self.occurredAt = occurredAt
    }
}
