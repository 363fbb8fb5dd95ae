import BillingCore
import Foundation

/// `mrr_movements`: a change of a subscription's counted MRR.
public struct MRRMovementRecord: LifecycleRecord {
    public static let table = "mrr_movements"
    public static let key = ["stripe_subscription_id", "event_id"]

    public var stripeSubscriptionID: String
    public var eventID: String
    public var stripeCustomerID: String
    public var tier: PlanTier?
    public var kind: Revenue.MovementKind
    public var fromMRR: Int64
    public var toMRR: Int64
    public var currency: String
    public var occurredAt: Date

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeSubscriptionID = "stripe_subscription_id", eventID = "event_id", stripeCustomerID = "stripe_customer_id"
        case tier, kind, fromMRR = "from_mrr", toMRR = "to_mrr", currency, occurredAt = "occurred_at"
    }

    public init(stripeSubscriptionID: String, eventID: String, stripeCustomerID: String, tier: PlanTier?,
                kind: Revenue.MovementKind, fromMRR: Int64, toMRR: Int64, currency: String, occurredAt: Date) {
        self.stripeSubscriptionID = stripeSubscriptionID
        self.eventID = eventID
        self.stripeCustomerID = stripeCustomerID
        self.tier = tier
        self.kind = kind
        self.fromMRR = fromMRR
        self.toMRR = toMRR
        self.currency = currency
        self.occurredAt = occurredAt
    }
}
