import BillingCore
import Foundation
import Logging
import PostgresNIO

/// One metric across every tenant in a report window.
public struct UsageMetricWindow: Sendable, Equatable {
    /// The usage metric.
    public var metric: String
    /// How many events were reported.
    public var events: Int
    /// Sums: the units reported; levels: each tenant's last value, added up.
    public var quantity: Int64
    /// How many tenants reported it.
    public var tenants: Int
}
