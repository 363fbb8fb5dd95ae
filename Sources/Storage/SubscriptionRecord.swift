import BillingCore
import Foundation

/// `subscriptions`: the latest applied snapshot of a Stripe subscription, with its plan and MRR.
public struct SubscriptionRecord: LifecycleRecord {
    package static let table = "subscriptions"
    package static let key = ["stripe_subscription_id"]

    /// Stripe's subscription id (`sub_…`).
    public var stripeSubscriptionID: String
    /// Stripe's customer id (`cus_…`).
    public var stripeCustomerID: String
    /// The tenant from its metadata; nil when only its customer names one.
    public var tenantID: String?
    /// nil when the price maps to no plan (counted and logged as an unknown price).
    public var tier: PlanTier?
    /// Stripe's status (`trialing`, `active`, `past_due`, …).
    public var status: SubscriptionStatus
    /// The price of its first item.
    public var priceID: String?
    /// Seats of its first item.
    public var quantity: Int64
    /// Three-letter ISO currency code, lower case as Stripe writes it.
    public var currency: String?
    /// The normalised monthly amount in cents, whatever the status; nil for a non-recurring price.
    public var monthlyAmount: Int64?
    /// What the subscription counts towards MRR in its status (``Revenue/counted(_:status:)``).
    public var mrr: Int64
    /// A coupon's percentage discount, if any.
    public var percentOff: Double?
    /// A coupon's fixed discount in minor units, if any.
    public var amountOff: Int64?
    /// When the trial started.
    public var trialStart: Date?
    /// When the trial ends.
    public var trialEnd: Date?
    /// When the current billing period started.
    public var currentPeriodStart: Date?
    /// When it ends.
    public var currentPeriodEnd: Date?
    /// Whether it cancels when the period ends.
    public var cancelAtPeriodEnd: Bool
    /// When it is set to cancel, if set.
    public var cancelAt: Date?
    /// When it was canceled.
    public var canceledAt: Date?
    /// When it ended.
    public var endedAt: Date?
    /// Stripe's `pause_collection.behavior`, when collection is paused.
    public var pauseBehavior: String?
    /// When Stripe created the object.
    public var created: Date?
    /// When Stripe created the event this row was last written from, in Unix seconds (the row's version).
    public var lastEventCreated: Int64
    /// The id of the event this row was last written from (breaks ties in ``version``).
    public var lastEventID: String

    /// The row's version: a row is only replaced by a newer one.
    public var version: SnapshotVersion { SnapshotVersion(created: lastEventCreated, eventID: lastEventID) }

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeSubscriptionID = "stripe_subscription_id", stripeCustomerID = "stripe_customer_id", tenantID = "tenant_id"
        case tier, status, priceID = "price_id", quantity, currency, monthlyAmount = "monthly_amount", mrr
        case percentOff = "percent_off", amountOff = "amount_off", trialStart = "trial_start", trialEnd = "trial_end"
        case currentPeriodStart = "current_period_start", currentPeriodEnd = "current_period_end"
        case cancelAtPeriodEnd = "cancel_at_period_end", cancelAt = "cancel_at", canceledAt = "canceled_at"
        case endedAt = "ended_at", pauseBehavior = "pause_behavior", created
        case lastEventCreated = "last_event_created", lastEventID = "last_event_id"
    }

    /// A row as the lifecycle planner writes it.
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
