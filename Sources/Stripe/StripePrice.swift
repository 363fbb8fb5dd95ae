import BillingCore
import Foundation

public struct StripePrice: Decodable, Sendable, Equatable {
    public var id: String
    public var unitAmount: Int64?
    public var currency: String
    public var recurringInterval: String?
    public var recurringIntervalCount: Int?
    public var metadata: [String: String]
    /// The product id (or the expanded product's id), and the product's metadata when expanded.
    public var productID: String?
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
