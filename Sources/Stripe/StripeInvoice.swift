import BillingCore
import Foundation

/// A Stripe invoice as an `invoice.*` event carries it: what is owed and paid, and how the
/// payment attempts went. Amounts are in the currency's smallest unit (cents for `usd`).
public struct StripeInvoice: Decodable, Sendable, Equatable {
    /// Stripe's invoice id (`in_…`).
    public var id: String
    /// The id of the customer billed (`cus_…`).
    public var customer: String
    /// `draft`, `open`, `paid`, `uncollectible` or `void`; nil when the body lacks it.
    public var status: String?
    /// The subscription billed: `subscription` before basil, `parent.subscription_details.subscription` from it.
    /// Nil for a one-off invoice.
    public var subscription: String?
    /// The total to be paid, in the currency's smallest unit.
    public var amountDue: Int64
    /// What has been paid so far, in the currency's smallest unit; 0 when the field is absent.
    public var amountPaid: Int64
    /// What is still owed, in the currency's smallest unit; `amountDue - amountPaid` when the field is absent.
    public var amountRemaining: Int64
    /// The three-letter ISO currency code, lowercase (`usd`).
    public var currency: String
    /// How many times Stripe has tried to collect payment; 0 when the field is absent.
    public var attemptCount: Int
    /// Unix seconds of Stripe's next automatic payment attempt; nil when none is scheduled.
    public var nextPaymentAttempt: Int64?
    /// Why the invoice was made: `subscription_cycle`, `subscription_create`, `manual`, …; nil when absent.
    public var billingReason: String?
    /// The address of the invoice's page on Stripe, where the customer can pay; nil until it is finalized.
    public var hostedInvoiceURL: String?
    /// Unix seconds at which the invoice was created; nil when the body lacks it.
    public var created: Int64?
    /// Unix seconds at which the invoice was paid (`status_transitions.paid_at`); nil while unpaid.
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

    /// Decodes an invoice in either API shape; `id`, `customer`, `amount_due` and `currency` are required.
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
