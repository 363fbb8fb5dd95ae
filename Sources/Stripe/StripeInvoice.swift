import BillingCore
import Foundation

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
