import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A usage event with the window it is totalled in (nil: not placed, or too old to report).
public struct PlacedUsageEvent: Sendable, Equatable {
    public var record: UsageEventRecord
    public var window: UsageWindow?
    public var stripeCustomerID: String?
    /// false: kept unattributed until a later pass can place it.
    public var attributed: Bool

    public init(record: UsageEventRecord, window: UsageWindow?, stripeCustomerID: String?, attributed: Bool) {
        self.record = record
        self.window = window
        self.stripeCustomerID = stripeCustomerID
        self.attributed = attributed
    }
}
