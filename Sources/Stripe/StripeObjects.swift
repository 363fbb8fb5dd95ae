import BillingCore
import Foundation

/// The fields of Stripe objects this service keeps, decoded from both API shapes: before
/// `2025-03-31.basil` (periods on the subscription, `invoice.subscription`) and after it
/// (periods on subscription items, `invoice.parent.subscription_details.subscription`).
/// Unknown fields are ignored; a missing required field fails with its path named.
public enum StripeObjects {}

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

public struct StripeInvoice: Decodable, Sendable, Equatable {
    public var id: String
    public var customer: String
    public var status: String?
    /// The subscription billed: `subscription` before basil, `parent.subscription_details.subscription` from it.
    public var subscription: String?
    public var amountDue: Int64
    public var amountPaid: Int64
    public var amountRemaining: Int64
    public var currency: String
    public var attemptCount: Int
    public var nextPaymentAttempt: Int64?
    public var billingReason: String?
    public var hostedInvoiceURL: String?
    public var created: Int64?
    /// When the invoice was paid (`status_transitions.paid_at`).
    public var paidAt: Int64?

    enum CodingKeys: String, CodingKey {
        case id, customer, status, subscription, parent, currency, created
        case statusTransitions = "status_transitions"
        case amountDue = "amount_due"
        case amountPaid = "amount_paid"
        case amountRemaining = "amount_remaining"
        case attemptCount = "attempt_count"
        case nextPaymentAttempt = "next_payment_attempt"
        case billingReason = "billing_reason"
        case hostedInvoiceURL = "hosted_invoice_url"
    }

    struct StatusTransitions: Decodable { var paid_at: Int64? }

    struct Parent: Decodable {
        struct SubscriptionDetails: Decodable { var subscription: String? }
        var subscription_details: SubscriptionDetails?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        customer = try container.decode(String.self, forKey: .customer)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        subscription = try container.decodeIfPresent(String.self, forKey: .subscription)
            ?? container.decodeIfPresent(Parent.self, forKey: .parent)?.subscription_details?.subscription
        amountDue = try container.decode(Int64.self, forKey: .amountDue)
        amountPaid = try container.decodeIfPresent(Int64.self, forKey: .amountPaid) ?? 0
        amountRemaining = try container.decodeIfPresent(Int64.self, forKey: .amountRemaining) ?? amountDue - amountPaid
        currency = try container.decode(String.self, forKey: .currency)
        attemptCount = try container.decodeIfPresent(Int.self, forKey: .attemptCount) ?? 0
        nextPaymentAttempt = try container.decodeIfPresent(Int64.self, forKey: .nextPaymentAttempt)
        billingReason = try container.decodeIfPresent(String.self, forKey: .billingReason)
        hostedInvoiceURL = try container.decodeIfPresent(String.self, forKey: .hostedInvoiceURL)
        created = try container.decodeIfPresent(Int64.self, forKey: .created)
        paidAt = try container.decodeIfPresent(StatusTransitions.self, forKey: .statusTransitions)?.paid_at
    }
}

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
