import BillingCore
import Foundation

public struct StripeSubscription: Decodable, Sendable, Equatable {
    public var id: String
    public var customer: String
    public var status: SubscriptionStatus
    public var items: [StripeSubscriptionItem]
    /// The current period: the subscription's own fields (before basil) or its items' (basil).
    public var currentPeriodStart: Int64?
    public var currentPeriodEnd: Int64?
    public var trialStart: Int64?
    public var trialEnd: Int64?
    public var cancelAtPeriodEnd: Bool
    public var cancelAt: Int64?
    public var canceledAt: Int64?
    public var endedAt: Int64?
    /// Payment collection is paused (`pause_collection`), with its behaviour.
    public var pauseCollectionBehavior: String?
    public var discountCouponPercentOff: Double?
    public var discountCouponAmountOff: Int64?
    public var metadata: [String: String]
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
