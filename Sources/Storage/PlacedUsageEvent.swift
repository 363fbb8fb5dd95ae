import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A usage event with the window it is totalled in (nil: not placed, or too old to report).
public struct PlacedUsageEvent: Sendable, Equatable {
    /// The event as reported.
    public var record: UsageEventRecord
    /// The window it counts in; nil when it is in none (unattributed, or too old to report).
    public var window: UsageWindow?
    /// The customer of the live subscription it was placed by.
    public var stripeCustomerID: String?
    /// false: kept unattributed until a later pass can place it.
    public var attributed: Bool

    /// An event placed by ``UsagePlacement``.
    public init(record: UsageEventRecord, window: UsageWindow?, stripeCustomerID: String?, attributed: Bool) {
        self.record = record
        self.window = window
        self.stripeCustomerID = stripeCustomerID
        self.attributed = attributed
    }
}
