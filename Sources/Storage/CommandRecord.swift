import BillingCore
import Foundation
import Logging
import PostgresNIO

/// `lifecycle_commands`: one row per platform command, with its outcome.
public struct CommandRecord: LifecycleRecord {
    package static let table = "lifecycle_commands"
    package static let key = ["command_id"]

    /// Where a command stands.
    public enum Status: String, Codable, Sendable {
        /// Decided and recorded; Stripe is being called (after the transaction that decided it).
        case pending
        /// Stripe accepted the calls; waiting for the webhook that shows the change.
        case sent
        /// Stripe's webhook shows the change.
        case confirmed
        /// Not carried out: the command does not fit the subscription (no call was made).
        case rejected
        /// Stripe refused a call (a decline, an invalid request).
        case failed
    }

    /// The platform's command id (its idempotency key).
    public var commandID: String
    /// The platform's tenant id.
    public var tenantID: String
    /// The command: `change_plan`, `cancel` or `reactivate`.
    public var type: String
    /// The command's body as the platform sent it.
    public var request: [String: JSONValue]
    /// The subscription it acted on, once known.
    public var stripeSubscriptionID: String?
    /// Where it stands now.
    public var status: Status
    /// Why it was rejected or failed.
    public var reason: String?
    /// The price the subscription must show for the command to be confirmed.
    public var expectPriceID: String?
    /// The `cancel_at_period_end` it must show.
    public var expectCancelAtPeriodEnd: Bool?
    /// The status it must show.
    public var expectStatus: SubscriptionStatus?
    /// Stripe's request ids of the calls made, for support.
    public var stripeRequestIDs: [String]

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case commandID = "command_id", tenantID = "tenant_id", type, request, stripeSubscriptionID = "stripe_subscription_id"
        case status, reason, expectPriceID = "expect_price_id", expectCancelAtPeriodEnd = "expect_cancel_at_period_end"
        case expectStatus = "expect_status", stripeRequestIDs = "stripe_request_ids"
    }

    /// A command's outcome, as the executor records it.
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
