import BillingCore
import Foundation
import Logging
import PostgresNIO

/// One metric's usage in a period.
public struct UsageTotals: Sendable, Equatable {
    public var metric: String
    public var events: Int
    public var sum: Int64
    public var last: Int64
    public var maximum: Int64
    /// The sum since `dayStart` (AI requests' allowance is per day).
    public var sumToday: Int64
}
