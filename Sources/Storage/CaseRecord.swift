import BillingCore
import Foundation
import Logging
import PostgresNIO

/// `dunning_cases`: one per failed subscription invoice.
public struct CaseRecord: LifecycleRecord {
    package static let table = "dunning_cases"
    package static let key = ["case_id"]

    /// The case id, `dc_` followed by the invoice id (see ``id(invoice:)``).
    public var caseID: String
    /// Stripe's invoice id (`in_…`).
    public var stripeInvoiceID: String
    /// The invoice's subscription, if any.
    public var stripeSubscriptionID: String?
    /// Stripe's customer id (`cus_…`).
    public var stripeCustomerID: String
    /// The platform's tenant id.
    public var tenantID: String?
    /// The subscription's plan when the case opened; it chooses the schedule.
    public var tier: PlanTier?
    /// Open or closed.
    public var status: DunningCase.Status
    /// When the first failed payment opened the case.
    public var openedAt: Date
    /// How many payment attempts failed so far.
    public var attempts: Int
    /// What the invoice asks, in minor units.
    public var amountDue: Int64?
    /// Three-letter ISO currency code, lower case as Stripe writes it.
    public var currency: String?
    /// Stripe's page where the customer can pay the invoice.
    public var hostedInvoiceURL: String?
    /// A hard decline's code: no retry runs until the payment method changes.
    public var retriesPausedReason: String?
    /// The decline code of the last failed attempt (`insufficient_funds`, `expired_card`, …).
    public var lastDeclineCode: String?
    /// When the case closed.
    public var closedAt: Date?
    /// Why the case closed: paid, voided, marked uncollectible, or its subscription deleted.
    public var closeReason: DunningCase.CloseReason?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case caseID = "case_id", stripeInvoiceID = "stripe_invoice_id", stripeSubscriptionID = "stripe_subscription_id"
        case stripeCustomerID = "stripe_customer_id", tenantID = "tenant_id", tier, status, openedAt = "opened_at", attempts
        case amountDue = "amount_due", currency, hostedInvoiceURL = "hosted_invoice_url", retriesPausedReason = "retries_paused_reason"
        case lastDeclineCode = "last_decline_code", closedAt = "closed_at", closeReason = "close_reason"
    }

    /// The case id of an invoice: one case per invoice, whoever opens it.
    public static func id(invoice: String) -> String { "dc_\(invoice)" }

    /// A new open case for a failed invoice.
    public init(invoiceID: String, subscriptionID: String?, customerID: String, tenantID: String?, tier: PlanTier?,
                status: DunningCase.Status, openedAt: Date, attempts: Int, amountDue: Int64?, currency: String?,
                hostedInvoiceURL: String?, closedAt: Date? = nil, closeReason: DunningCase.CloseReason? = nil) {
        self.caseID = Self.id(invoice: invoiceID)
        self.stripeInvoiceID = invoiceID
        self.stripeSubscriptionID = subscriptionID
        self.stripeCustomerID = customerID
        self.tenantID = tenantID
        self.tier = tier
        self.status = status
        self.openedAt = openedAt
        self.attempts = attempts
        self.amountDue = amountDue
        self.currency = currency
        self.hostedInvoiceURL = hostedInvoiceURL
        self.closedAt = closedAt
        self.closeReason = closeReason
    }

    /// The case as the pure decisions see it.
    public var dunningCase: DunningCase {
        DunningCase(invoiceID: stripeInvoiceID, tenantID: tenantID, tier: tier, status: status,
                    openedAt: Int64(openedAt.timeIntervalSince1970), attempts: attempts,
                    closedAt: closedAt.map { Int64($0.timeIntervalSince1970) }, closeReason: closeReason)
    }
}
