import BillingCore
import Foundation

/// A Stripe customer as a `customer.*` event carries it: who is billed, how to reach them, the
/// payment method invoices charge by default, and the metadata that ties it to a tenant.
public struct StripeCustomer: Decodable, Sendable, Equatable {
    /// Stripe's customer id (`cus_…`).
    public var id: String
    /// The customer's email address on Stripe; nil when none is set.
    public var email: String?
    /// The customer's name (a person's or a company's) on Stripe; nil when none is set.
    public var name: String?
    /// The customer's metadata on Stripe (`tenant_id`, `company`, `billing_email`, …); empty when there is none.
    public var metadata: [String: String]
    /// The payment method invoices charge by default (`invoice_settings.default_payment_method`, `pm_…`); nil when
    /// none is set.
    public var defaultPaymentMethod: String?
    /// Whether the customer was deleted on Stripe (a `customer.deleted` snapshot); false when the field is absent.
    public var deleted: Bool

    /// The platform's tenant, from customer metadata `tenant_id`.
    public var tenantID: String? { metadata["tenant_id"] }

    enum CodingKeys: String, CodingKey {
        case id, email, name, metadata, deleted
        case invoiceSettings = "invoice_settings"
    }

    struct InvoiceSettings: Decodable { var default_payment_method: String? }

    /// Decodes a Stripe customer object; `id` is required, every other field may be missing.
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
