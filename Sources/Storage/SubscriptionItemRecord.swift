import BillingCore
import Foundation

/// `subscription_items`: the items of a subscription's latest applied snapshot.
public struct SubscriptionItemRecord: LifecycleRecord {
    public static let table = "subscription_items"
    public static let key = ["stripe_item_id"]

    public var stripeItemID: String
    public var stripeSubscriptionID: String
    public var priceID: String
    public var tier: PlanTier?
    public var quantity: Int64
    public var unitAmount: Int64?
    public var currency: String
    public var recurringInterval: String?
    public var intervalCount: Int64?
    public var currentPeriodStart: Date?
    public var currentPeriodEnd: Date?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeItemID = "stripe_item_id", stripeSubscriptionID = "stripe_subscription_id", priceID = "price_id", tier
        case quantity, unitAmount = "unit_amount", currency, recurringInterval = "recurring_interval"
        case intervalCount = "interval_count", currentPeriodStart = "current_period_start", currentPeriodEnd = "current_period_end"
    }

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
