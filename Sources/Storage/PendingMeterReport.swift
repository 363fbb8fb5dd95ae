import BillingCore
import Foundation
import Logging
import PostgresNIO

/// A meter event planned (and maybe sent before a crash): resent as it is, with its identifier.
public struct PendingMeterReport: Sendable, Equatable, Codable {
    public var identifier: String
    public var tenantID: String
    public var metric: String
    public var stripeCustomerID: String
    public var eventName: String
    public var value: Int64
    public var timestamp: Int64
    public var attempts: Int

    enum CodingKeys: String, CodingKey {
        case identifier, tenantID = "tenant_id", metric, stripeCustomerID = "stripe_customer_id", eventName = "event_name", value
        case timestamp = "event_timestamp", attempts
    }
}
