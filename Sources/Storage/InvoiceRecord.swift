import BillingCore
import Foundation

/// `invoices`: the latest applied snapshot of a Stripe invoice.
public struct InvoiceRecord: LifecycleRecord {
    public static let table = "invoices"
    public static let key = ["stripe_invoice_id"]

    public var stripeInvoiceID: String
    public var stripeCustomerID: String
    public var stripeSubscriptionID: String?
    public var status: String?
    public var currency: String
    public var amountDue: Int64
    public var amountPaid: Int64
    public var amountRemaining: Int64
    public var attemptCount: Int
    public var nextPaymentAttempt: Date?
    public var billingReason: String?
    public var hostedInvoiceURL: String?
    public var created: Date?
    /// When the invoice was first seen paid: set once, so `invoice.paid` and
    /// `invoice.payment_succeeded` for one payment count it once.
    public var paidAt: Date?
    public var lastEventCreated: Int64
    public var lastEventID: String

    public var version: SnapshotVersion { SnapshotVersion(created: lastEventCreated, eventID: lastEventID) }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeInvoiceID = "stripe_invoice_id", stripeCustomerID = "stripe_customer_id"
        case stripeSubscriptionID = "stripe_subscription_id", status, currency, amountDue = "amount_due"
        case amountPaid = "amount_paid", amountRemaining = "amount_remaining", attemptCount = "attempt_count"
        case nextPaymentAttempt = "next_payment_attempt", billingReason = "billing_reason"
        case hostedInvoiceURL = "hosted_invoice_url", created, paidAt = "paid_at"
        case lastEventCreated = "last_event_created", lastEventID = "last_event_id"
    }

    public init(stripeInvoiceID: String, stripeCustomerID: String, stripeSubscriptionID: String?, status: String?,
                currency: String, amountDue: Int64, amountPaid: Int64, amountRemaining: Int64, attemptCount: Int,
                nextPaymentAttempt: Date?, billingReason: String?, hostedInvoiceURL: String?, created: Date?, paidAt: Date?,
                version: SnapshotVersion) {
        self.stripeInvoiceID = stripeInvoiceID
        self.stripeCustomerID = stripeCustomerID
        self.stripeSubscriptionID = stripeSubscriptionID
        self.status = status
        self.currency = currency
        self.amountDue = amountDue
        self.amountPaid = amountPaid
        self.amountRemaining = amountRemaining
        self.attemptCount = attemptCount
        self.nextPaymentAttempt = nextPaymentAttempt
        self.billingReason = billingReason
        self.hostedInvoiceURL = hostedInvoiceURL
        self.created = created
        self.paidAt = paidAt
        self.lastEventCreated = version.created
        self.lastEventID = version.eventID
    }
}
