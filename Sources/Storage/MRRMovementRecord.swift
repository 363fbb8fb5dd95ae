import BillingCore
import Foundation

/// `mrr_movements`: a change of a subscription's counted MRR.
public struct MRRMovementRecord: LifecycleRecord {
    package static let table = "mrr_movements"
    package static let key = ["stripe_subscription_id", "event_id"]

    /// Stripe's subscription id (`sub_…`).
    public var stripeSubscriptionID: String
    /// The event that moved the MRR.
    public var eventID: String
    /// Stripe's customer id (`cus_…`).
    public var stripeCustomerID: String
    /// The plan after the movement (before it, for a churn).
    public var tier: PlanTier?
    /// What moved: new, expansion, contraction, churn or reactivation.
    public var kind: Revenue.MovementKind
    /// MRR before, in minor units.
    public var fromMRR: Int64
    /// MRR after, in minor units.
    public var toMRR: Int64
    /// Three-letter ISO currency code, lower case as Stripe writes it.
    public var currency: String
    /// When it happened (the event's time).
    public var occurredAt: Date

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeSubscriptionID = "stripe_subscription_id", eventID = "event_id", stripeCustomerID = "stripe_customer_id"
        case tier, kind, fromMRR = "from_mrr", toMRR = "to_mrr", currency, occurredAt = "occurred_at"
    }

    /// A movement as the lifecycle planner records it.
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
