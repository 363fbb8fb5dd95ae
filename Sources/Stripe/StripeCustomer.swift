import BillingCore
import Foundation

public struct StripeCustomer: Decodable, Sendable, Equatable {
    public var id: String
    public var email: String?
    public var name: String?
    public var metadata: [String: String]
    public var defaultPaymentMethod: String?
    public var deleted: Bool

    /// The platform's tenant, from customer metadata `tenant_id`.
    public var tenantID: String? { metadata["tenant_id"] }

    enum CodingKeys: String, CodingKey {
        case id, email, name, metadata, deleted
        case invoiceSettings = "invoice_settings"
    }

    struct InvoiceSettings: Decodable { var default_payment_method: String? }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
        defaultPaymentMethod = try container.decodeIfPresent(InvoiceSettings.self, forKey: .invoiceSettings)?.default_payment_method
        deleted = try container.decodeIfPresent(Bool.self, forKey: .deleted) ?? false
    }
}
