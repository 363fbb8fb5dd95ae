import BillingCore
import Foundation
import Logging
import PostgresNIO

/// One metric's usage in a period.
public struct UsageTotals: Sendable, Equatable {
    /// The usage metric.
    public var metric: String
    /// How many events were reported.
    public var events: Int
    /// The sum of their units.
    public var sum: Int64
    /// The last value (by time, then event id).
    public var last: Int64
    /// The largest value.
    public var maximum: Int64
    /// The sum since `dayStart` (AI requests' allowance is per day).
    public var sumToday: Int64
}
