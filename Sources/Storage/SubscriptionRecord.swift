import BillingCore
import Foundation

/// `subscriptions`: the latest applied snapshot of a Stripe subscription, with its plan and MRR.
public struct SubscriptionRecord: LifecycleRecord {
    public static let table = "subscriptions"
    public static let key = ["stripe_subscription_id"]

    public var stripeSubscriptionID: String
    public var stripeCustomerID: String
    public var tenantID: String?
    /// nil when the price maps to no plan (counted and logged as an unknown price).
    public var tier: PlanTier?
    public var status: SubscriptionStatus
    public var priceID: String?
    public var quantity: Int64
    public var currency: String?
    /// The normalised monthly amount in cents, whatever the status; nil for a non-recurring price.
    public var monthlyAmount: Int64?
    /// What the subscription counts towards MRR in its status (``Revenue/counted(_:status:)``).
    public var mrr: Int64
    public var percentOff: Double?
    public var amountOff: Int64?
    public var trialStart: Date?
    public var trialEnd: Date?
    public var currentPeriodStart: Date?
    public var currentPeriodEnd: Date?
    public var cancelAtPeriodEnd: Bool
    public var cancelAt: Date?
    public var canceledAt: Date?
    public var endedAt: Date?
    public var pauseBehavior: String?
    public var created: Date?
    public var lastEventCreated: Int64
    public var lastEventID: String

    public var version: SnapshotVersion { SnapshotVersion(created: lastEventCreated, eventID: lastEventID) }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeSubscriptionID = "stripe_subscription_id", stripeCustomerID = "stripe_customer_id", tenantID = "tenant_id"
        case tier, status, priceID = "price_id", quantity, currency, monthlyAmount = "monthly_amount", mrr
        case percentOff = "percent_off", amountOff = "amount_off", trialStart = "trial_start", trialEnd = "trial_end"
        case currentPeriodStart = "current_period_start", currentPeriodEnd = "current_period_end"
        case cancelAtPeriodEnd = "cancel_at_period_end", cancelAt = "cancel_at", canceledAt = "canceled_at"
        case endedAt = "ended_at", pauseBehavior = "pause_behavior", created
        case lastEventCreated = "last_event_created", lastEventID = "last_event_id"
    }

    public init(stripeSubscriptionID: String, stripeCustomerID: String, tenantID: String?, tier: PlanTier?,
                status: SubscriptionStatus, priceID: String?, quantity: Int64, currency: String?, monthlyAmount: Int64?,
                mrr: Int64, percentOff: Double?, amountOff: Int64?, trialStart: Date?, trialEnd: Date?,
                currentPeriodStart: Date?, currentPeriodEnd: Date?, cancelAtPeriodEnd: Bool, cancelAt: Date?,
                canceledAt: Date?, endedAt: Date?, pauseBehavior: String?, created: Date?, version: SnapshotVersion) {
        self.stripeSubscriptionID = stripeSubscriptionID
        self.stripeCustomerID = stripeCustomerID
        self.tenantID = tenantID
        self.tier = tier
        self.status = status
        self.priceID = priceID
        self.quantity = quantity
        self.currency = currency
        self.monthlyAmount = monthlyAmount
        self.mrr = mrr
        self.percentOff = percentOff
        self.amountOff = amountOff
        self.trialStart = trialStart
        self.trialEnd = trialEnd
        self.currentPeriodStart = currentPeriodStart
        self.currentPeriodEnd = currentPeriodEnd
        self.cancelAtPeriodEnd = cancelAtPeriodEnd
        self.cancelAt = cancelAt
        self.canceledAt = canceledAt
        self.endedAt = endedAt
        self.pauseBehavior = pauseBehavior
        self.created = created
        self.lastEventCreated = version.created
        self.lastEventID = version.eventID
    }
}
