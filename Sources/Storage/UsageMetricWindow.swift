import BillingCore
import Foundation
import Logging
import PostgresNIO

/// One metric across every tenant in a report window.
public struct UsageMetricWindow: Sendable, Equatable {
    public var metric: String
    public var events: Int
    /// Sums: the units reported; levels: each tenant's last value, added up.
    public var quantity: Int64
    public var tenants: Int
}
