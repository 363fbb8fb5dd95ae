import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A meter event planned (and maybe sent before a crash): resent as it is, with its identifier.
public struct PendingMeterReport: Sendable, Equatable, Codable {
    /// The meter event's identifier, which Stripe keeps once (`usage:tenant:metric:window_end:sequence`).
    public var identifier: String
    /// The tenant the usage belongs to.
    public var tenantID: String
    /// The usage metric.
    public var metric: String
    /// The customer it is reported for.
    public var stripeCustomerID: String
    /// The Stripe meter's event name.
    public var eventName: String
    /// The value to report.
    public var value: Int64
    /// The meter event's time, in Unix seconds.
    public var timestamp: Int64
    /// How many times it was claimed, this claim included.
    public var attempts: Int

    enum CodingKeys: String, CodingKey {
        case identifier, tenantID = "tenant_id", metric, stripeCustomerID = "stripe_customer_id", eventName = "event_name", value
        case timestamp = "event_timestamp", attempts
    }
}
