import BillingCore
import Foundation
import Logging
import PostgresNIO

/// One usage report as stored: exact whole units of its metric.
public struct UsageEventRecord: Codable, Sendable, Equatable {
    /// The platform's event id: an event is recorded once.
    public var eventID: String
    /// The platform's tenant id.
    public var tenantID: String
    /// The usage metric's name, such as `api_calls` or `storage_gb`.
    public var metric: String
    /// How many units (a count, or a level for gauges).
    public var units: Int64
    /// When it happened.
    public var occurredAt: Date

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", tenantID = "tenant_id", metric, units, occurredAt = "occurred_at"
    }

    /// A usage event as the platform reported it.
    public init(eventID: String, tenantID: String, metric: String, units: Int64, occurredAt: Date) {
        self.eventID = eventID
        self.tenantID = tenantID
        self.metric = metric
        self.units = units
        self.occurredAt = occurredAt
    }
}
