import BillingCore
import Foundation

/// `billing_accounts`: a Stripe customer as the platform knows it.
public struct AccountRecord: LifecycleRecord {
    package static let table = "billing_accounts"
    package static let key = ["stripe_customer_id"]

    /// Stripe's customer id (`cus_…`).
    public var stripeCustomerID: String
    /// The platform's tenant id.
    public var tenantID: String?
    /// The customer's company name, for notifications.
    public var company: String?
    /// The customer's email address at Stripe.
    public var billingEmail: String?
    /// Contact addresses by role: `billing`, `admin`, `account_manager`.
    public var contacts: [String: [String]]
    /// The default payment method's id (`pm_…`), if any.
    public var defaultPaymentMethod: String?
    /// Whether Stripe deleted the customer.
    public var deleted: Bool
    /// When Stripe created the event this row was last written from, in Unix seconds (the row's version).
    public var lastEventCreated: Int64
    /// The id of the event this row was last written from (breaks ties in ``version``).
    public var lastEventID: String

    /// The row's version: a row is only replaced by a newer one.
    public var version: SnapshotVersion { SnapshotVersion(created: lastEventCreated, eventID: lastEventID) }

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeCustomerID = "stripe_customer_id", tenantID = "tenant_id", company, billingEmail = "billing_email", contacts
        case defaultPaymentMethod = "default_payment_method", deleted
        case lastEventCreated = "last_event_created", lastEventID = "last_event_id"
    }

    /// A row as the lifecycle planner writes it.
    public init(stripeCustomerID: String, tenantID: String?, company: String?, billingEmail: String?, contacts: [String: [String]],
                defaultPaymentMethod: String?, deleted: Bool, version: SnapshotVersion) {
        self.stripeCustomerID = stripeCustomerID
        self.tenantID = tenantID
        self.company = company
        self.billingEmail = billingEmail
        self.contacts = contacts
        self.defaultPaymentMethod = defaultPaymentMethod
        self.deleted = deleted
        self.lastEventCreated = version.created
        self.lastEventID = version.eventID
    }
}
