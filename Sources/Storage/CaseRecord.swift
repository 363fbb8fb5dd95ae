import BillingCore
import Foundation
import Logging
import PostgresNIO

/// `dunning_cases`: one per failed subscription invoice.
public struct CaseRecord: LifecycleRecord {
    public static let table = "dunning_cases"
    public static let key = ["case_id"]

    public var caseID: String
    public var stripeInvoiceID: String
    public var stripeSubscriptionID: String?
    public var stripeCustomerID: String
    public var tenantID: String?
    public var tier: PlanTier?
    public var status: DunningCase.Status
    public var openedAt: Date
    public var attempts: Int
    public var amountDue: Int64?
    public var currency: String?
    public var hostedInvoiceURL: String?
    /// A hard decline's code: no retry runs until the payment method changes.
    public var retriesPausedReason: String?
    public var lastDeclineCode: String?
    public var closedAt: Date?
    public var closeReason: DunningCase.CloseReason?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case caseID = "case_id", stripeInvoiceID = "stripe_invoice_id", stripeSubscriptionID = "stripe_subscription_id"
        case stripeCustomerID = "stripe_customer_id", tenantID = "tenant_id", tier, status, openedAt = "opened_at", attempts
        case amountDue = "amount_due", currency, hostedInvoiceURL = "hosted_invoice_url", retriesPausedReason = "retries_paused_reason"
        case lastDeclineCode = "last_decline_code", closedAt = "closed_at", closeReason = "close_reason"
    }

    /// The case id of an invoice: one case per invoice, whoever opens it.
    public static func id(invoice: String) -> String { "dc_\(invoice)" }

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
