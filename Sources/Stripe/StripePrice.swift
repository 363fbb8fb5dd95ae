import BillingCore
import Foundation

/// The price of a subscription item: what one unit costs and how often it is billed. Its plan
/// tier comes from its metadata `plan_tier`, its product's `plan_slug`, or the configured price map.
public struct StripePrice: Decodable, Sendable, Equatable {
    /// Stripe's price id (`price_…`).
    public var id: String
    /// What one unit costs per interval, in the currency's smallest unit (cents for `usd`); nil when the price has no
    /// flat unit amount (a tiered price).
    public var unitAmount: Int64?
    /// The three-letter ISO currency code, lowercase (`usd`).
    public var currency: String
    /// `day`, `week`, `month` or `year` for a recurring price; nil for a one-time price.
    public var recurringInterval: String?
    /// How many intervals one billing period spans (3 with `month` is quarterly); nil for a one-time price.
    public var recurringIntervalCount: Int?
    /// The price's own metadata (e.g. `plan_tier`); empty when there is none.
    public var metadata: [String: String]
    /// The product id (or the expanded product's id); nil when the price names no product.
    package var productID: String?
    /// The product's metadata (e.g. `plan_slug`) when the product is expanded in the event; empty otherwise.
    public var productMetadata: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, currency, metadata, recurring, product
        case unitAmount = "unit_amount"
    }

    enum RecurringKeys: String, CodingKey {
        case interval
        case intervalCount = "interval_count"
    }

    struct ExpandedProduct: Decodable {
        var id: String
        var metadata: [String: String]?
    }

    /// Decodes a price; `product` may be an id or an expanded product object. `id` and `currency` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        unitAmount = try container.decodeIfPresent(Int64.self, forKey: .unitAmount)
        currency = try container.decode(String.self, forKey: .currency)
        metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        if container.contains(.recurring), try !container.decodeNil(forKey: .recurring) {
            let recurring = try container.nestedContainer(keyedBy: RecurringKeys.self, forKey: .recurring)
            recurringInterval = try recurring.decodeIfPresent(String.self, forKey: .interval)
            recurringIntervalCount = try recurring.decodeIfPresent(Int.self, forKey: .intervalCount)
        }
        if let productID = try? container.decodeIfPresent(String.self, forKey: .product) {
            self.productID = productID
            productMetadata = [:]
        } else if let product = try container.decodeIfPresent(ExpandedProduct.self, forKey: .product) {
            productID = product.id
            productMetadata = product.metadata ?? [:]
        } else {
            productID = nil
            productMetadata = [:]
        }
    }
}
