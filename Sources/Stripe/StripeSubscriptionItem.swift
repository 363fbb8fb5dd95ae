import BillingCore
import Foundation

/// One item of a subscription: a price and how many units of it.
public struct StripeSubscriptionItem: Decodable, Sendable, Equatable {
    /// Stripe's subscription item id (`si_…`).
    public var id: String
    /// How many units of the price are subscribed to (seats, …); 1 when the field is absent.
    public var quantity: Int64
    /// The item's price.
    public var price: StripePrice
    /// The item's current period start, unix seconds. Present on items from `2025-03-31.basil` on; nil before.
    public var currentPeriodStart: Int64?
    /// The item's current period end, unix seconds. Present on items from `2025-03-31.basil` on; nil before.
    public var currentPeriodEnd: Int64?

    enum CodingKeys: String, CodingKey {
        case id, quantity, price
        case currentPeriodStart = "current_period_start"
        case currentPeriodEnd = "current_period_end"
    }

    /// Decodes a subscription item; `id` and `price` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        quantity = try container.decodeIfPresent(Int64.self, forKey: .quantity) ?? 1
        price = try container.decode(StripePrice.self, forKey: .price)
        currentPeriodStart = try container.decodeIfPresent(Int64.self, forKey: .currentPeriodStart)
        currentPeriodEnd = try container.decodeIfPresent(Int64.self, forKey: .currentPeriodEnd)
    }
}
