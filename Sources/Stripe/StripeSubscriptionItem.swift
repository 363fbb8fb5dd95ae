import BillingCore
import Foundation

public struct StripeSubscriptionItem: Decodable, Sendable, Equatable {
    public var id: String
    public var quantity: Int64
    public var price: StripePrice
    /// Present on items from `2025-03-31.basil` on.
    public var currentPeriodStart: Int64?
    public var currentPeriodEnd: Int64?

    enum CodingKeys: String, CodingKey {
        case id, quantity, price
        case currentPeriodStart = "current_period_start"
        case currentPeriodEnd = "current_period_end"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        quantity = try container.decodeIfPresent(Int64.self, forKey: .quantity) ?? 1
        price = try container.decode(StripePrice.self, forKey: .price)
        currentPeriodStart = try container.decodeIfPresent(Int64.self, forKey: .currentPeriodStart)
        currentPeriodEnd = try container.decodeIfPresent(Int64.self, forKey: .currentPeriodEnd)
    }
}
