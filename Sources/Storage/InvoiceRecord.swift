import BillingCore
import Foundation

/// `invoices`: the latest applied snapshot of a Stripe invoice.
public struct InvoiceRecord: LifecycleRecord {
    package static let table = "invoices"
    package static let key = ["stripe_invoice_id"]

    /// Stripe's invoice id (`in_…`).
    public var stripeInvoiceID: String
    /// Stripe's customer id (`cus_…`).
    public var stripeCustomerID: String
    /// The subscription it bills, if any.
    public var stripeSubscriptionID: String?
    /// Stripe's status: `draft`, `open`, `paid`, `uncollectible` or `void`.
    public var status: String?
    /// Three-letter ISO currency code, lower case as Stripe writes it.
    public var currency: String
    /// What it asks, in minor units.
    public var amountDue: Int64
    /// What was paid, in minor units.
    public var amountPaid: Int64
    /// What is still owed, in minor units.
    public var amountRemaining: Int64
    /// How many payment attempts Stripe made.
    public var attemptCount: Int
    /// When Stripe will try again, if it will.
    public var nextPaymentAttempt: Date?
    /// Why Stripe made it (`subscription_cycle`, `subscription_update`, …).
    public var billingReason: String?
    /// Stripe's page where the customer can pay it.
    public var hostedInvoiceURL: String?
    /// When Stripe created the object.
    public var created: Date?
    /// When the invoice was first seen paid: set once, so `invoice.paid` and
    /// `invoice.payment_succeeded` for one payment count it once.
    public var paidAt: Date?
    /// When Stripe created the event this row was last written from, in Unix seconds (the row's version).
    public var lastEventCreated: Int64
    /// The id of the event this row was last written from (breaks ties in ``version``).
    public var lastEventID: String

    /// The row's version: a row is only replaced by a newer one.
    public var version: SnapshotVersion { SnapshotVersion(created: lastEventCreated, eventID: lastEventID) }

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeInvoiceID = "stripe_invoice_id", stripeCustomerID = "stripe_customer_id"
        case stripeSubscriptionID = "stripe_subscription_id", status, currency, amountDue = "amount_due"
        case amountPaid = "amount_paid", amountRemaining = "amount_remaining", attemptCount = "attempt_count"
        case nextPaymentAttempt = "next_payment_attempt", billingReason = "billing_reason"
        case hostedInvoiceURL = "hosted_invoice_url", created, paidAt = "paid_at"
        case lastEventCreated = "last_event_created", lastEventID = "last_event_id"
    }

    /// A row as the lifecycle planner writes it.
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
