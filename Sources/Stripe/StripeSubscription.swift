import BillingCore
import Foundation

/// A Stripe subscription as a `customer.subscription.*` event carries it: its status, its
/// items and prices, its current and trial periods, cancellation, pause and discount. Times
/// are unix seconds.
public struct StripeSubscription: Decodable, Sendable, Equatable {
    /// Stripe's subscription id (`sub_…`).
    public var id: String
    /// The id of the customer billed (`cus_…`), whether the event carries an id or an expanded customer.
    public var customer: String
    /// `active`, `trialing`, `past_due`, `canceled`, …
    public var status: SubscriptionStatus
    /// The subscription's items: one per price subscribed to, with its quantity.
    public var items: [StripeSubscriptionItem]
    /// The current period's start: the subscription's own field (before basil) or the earliest of its items' (basil);
    /// nil when neither is present.
    public var currentPeriodStart: Int64?
    /// The current period's end: the subscription's own field (before basil) or the latest of its items' (basil); nil
    /// when neither is present.
    public var currentPeriodEnd: Int64?
    /// When the trial began; nil for a subscription without a trial.
    public var trialStart: Int64?
    /// When the trial ends or ended; nil for a subscription without a trial.
    public var trialEnd: Int64?
    /// Whether the subscription ends at the end of the current period instead of renewing; false when absent.
    public var cancelAtPeriodEnd: Bool
    /// When a cancellation is scheduled to take effect; nil when none is.
    public var cancelAt: Int64?
    /// When the subscription was canceled (for one set to end with its period: when that was asked); nil if not.
    public var canceledAt: Int64?
    /// When the subscription ended; nil while it has not.
    public var endedAt: Int64?
    /// Payment collection is paused (`pause_collection`) with this behaviour: `keep_as_draft`,
    /// `mark_uncollectible` or `void`; nil when collection is not paused.
    public var pauseCollectionBehavior: String?
    /// The discount's coupon percentage off (25 for 25 %, at most two decimals); nil without a percentage coupon.
    public var discountCouponPercentOff: Double?
    /// The discount's coupon amount off each invoice, in the currency's smallest unit; nil without an amount coupon.
    public var discountCouponAmountOff: Int64?
    /// The subscription's metadata (e.g. `tenant_id`); empty when there is none.
    public var metadata: [String: String]
    /// When the subscription was created; nil when the body lacks it.
    public var created: Int64?

    enum CodingKeys: String, CodingKey {
        case id, customer, status, items, metadata, created, discount
        case currentPeriodStart = "current_period_start"
        case currentPeriodEnd = "current_period_end"
        case trialStart = "trial_start"
        case trialEnd = "trial_end"
        case cancelAtPeriodEnd = "cancel_at_period_end"
        case cancelAt = "cancel_at"
        case canceledAt = "canceled_at"
        case endedAt = "ended_at"
        case pauseCollection = "pause_collection"
    }

    struct List<Element: Decodable>: Decodable { var data: [Element] }
    struct PauseCollection: Decodable { var behavior: String? }
    struct Discount: Decodable {
        struct Coupon: Decodable {
            var percent_off: Double?
            var amount_off: Int64?
        }
        var coupon: Coupon?
    }
    struct CustomerReference: Decodable { var id: String }

    /// Decodes a subscription in either API shape; `id`, `customer`, `status` and `items` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        if let customerID = try? container.decode(String.self, forKey: .customer) {
            customer = customerID
        } else {
            customer = try container.decode(CustomerReference.self, forKey: .customer).id
        }
        status = try container.decode(SubscriptionStatus.self, forKey: .status)
        items = try container.decode(List<StripeSubscriptionItem>.self, forKey: .items).data
        currentPeriodStart = try container.decodeIfPresent(Int64.self, forKey: .currentPeriodStart) ?? items.compactMap(\.currentPeriodStart).min()
        currentPeriodEnd = try container.decodeIfPresent(Int64.self, forKey: .currentPeriodEnd) ?? items.compactMap(\.currentPeriodEnd).max()
        trialStart = try container.decodeIfPresent(Int64.self, forKey: .trialStart)
        trialEnd = try container.decodeIfPresent(Int64.self, forKey: .trialEnd)
        cancelAtPeriodEnd = try container.decodeIfPresent(Bool.self, forKey: .cancelAtPeriodEnd) ?? false
        cancelAt = try container.decodeIfPresent(Int64.self, forKey: .cancelAt)
        canceledAt = try container.decodeIfPresent(Int64.self, forKey: .canceledAt)
        endedAt = try container.decodeIfPresent(Int64.self, forKey: .endedAt)
        pauseCollectionBehavior = try container.decodeIfPresent(PauseCollection.self, forKey: .pauseCollection)?.behavior
        let discount = try container.decodeIfPresent(Discount.self, forKey: .discount)
        discountCouponPercentOff = discount?.coupon?.percent_off
        discountCouponAmountOff = discount?.coupon?.amount_off
        metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        created = try container.decodeIfPresent(Int64.self, forKey: .created)
    }
}
