import BillingCore
import Foundation

/// `subscription_items`: the items of a subscription's latest applied snapshot.
public struct SubscriptionItemRecord: LifecycleRecord {
    package static let table = "subscription_items"
    package static let key = ["stripe_item_id"]

    /// Stripe's subscription item id (`si_…`).
    public var stripeItemID: String
    /// The subscription it belongs to.
    public var stripeSubscriptionID: String
    /// Its price (`price_…`).
    public var priceID: String
    /// The plan, when the price maps to one.
    public var tier: PlanTier?
    /// Seats or units.
    public var quantity: Int64
    /// The price per unit, in minor units; nil for a tiered or metered price.
    public var unitAmount: Int64?
    /// Three-letter ISO currency code, lower case as Stripe writes it.
    public var currency: String
    /// `month` or `year` (nil when not recurring).
    public var recurringInterval: String?
    /// How many intervals one billing period spans.
    public var intervalCount: Int64?
    /// When the item's current period started.
    public var currentPeriodStart: Date?
    /// When it ends.
    public var currentPeriodEnd: Date?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeItemID = "stripe_item_id", stripeSubscriptionID = "stripe_subscription_id", priceID = "price_id", tier
        case quantity, unitAmount = "unit_amount", currency, recurringInterval = "recurring_interval"
        case intervalCount = "interval_count", currentPeriodStart = "current_period_start", currentPeriodEnd = "current_period_end"
    }

    /// A row as the lifecycle planner writes it.
    public init(stripeItemID: String, stripeSubscriptionID: String, priceID: String, tier: PlanTier?, quantity: Int64,
                unitAmount: Int64?, currency: String, recurringInterval: String?, intervalCount: Int64?,
                currentPeriodStart: Date?, currentPeriodEnd: Date?) {
        self.stripeItemID = stripeItemID
        self.stripeSubscriptionID = stripeSubscriptionID
        self.priceID = priceID
        self.tier = tier
        self.quantity = quantity
        self.unitAmount = unitAmount
        self.currency = currency
        self.recurringInterval = recurringInterval
        self.intervalCount = intervalCount
        self.currentPeriodStart = currentPeriodStart
        self.currentPeriodEnd = currentPeriodEnd
    }
}
