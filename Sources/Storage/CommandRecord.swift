import BillingCore
import Foundation
import Logging
import PostgresNIO

/// `lifecycle_commands`: one row per platform command, with its outcome.
public struct CommandRecord: LifecycleRecord {
    public static let table = "lifecycle_commands"
    public static let key = ["command_id"]

    public enum Status: String, Codable, Sendable {
        /// Stripe accepted the calls; waiting for the webhook that shows the change.
        case sent
        /// Stripe's webhook shows the change.
        case confirmed
        /// Not carried out: the command does not fit the subscription (no call was made).
        case rejected
        /// Stripe refused a call (a decline, an invalid request).
        case failed
    }

    public var commandID: String
    public var tenantID: String
    public var type: String
    public var request: [String: JSONValue]
    public var stripeSubscriptionID: String?
    public var status: Status
    public var reason: String?
    public var expectPriceID: String?
    public var expectCancelAtPeriodEnd: Bool?
    public var expectStatus: SubscriptionStatus?
    public var stripeRequestIDs: [String]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case commandID = "command_id", tenantID = "tenant_id", type, request, stripeSubscriptionID = "stripe_subscription_id"
        case status, reason, expectPriceID = "expect_price_id", expectCancelAtPeriodEnd = "expect_cancel_at_period_end"
        case expectStatus = "expect_status", stripeRequestIDs = "stripe_request_ids"
    }

    public init(commandID: String, tenantID: String, type: String, request: [String: JSONValue], stripeSubscriptionID: String?,
                status: Status, reason: String? = nil, expectPriceID: String? = nil, expectCancelAtPeriodEnd: Bool? = nil,
                expectStatus: SubscriptionStatus? = nil, stripeRequestIDs: [String] = []) {
        self.commandID = commandID
        self.tenantID = tenantID
        self.type = type
        self.request = request
        self.stripeSubscriptionID = stripeSubscriptionID
        self.status = status
        self.reason = reason
        self.expectPriceID = expectPriceID
        self.expectCancelAtPeriodEnd = expectCancelAtPeriodEnd
        self.expectStatus = expectStatus
        self.stripeRequestIDs = stripeRequestIDs
    }
}
