import BillingCore
import Foundation

/// `billing_accounts`: a Stripe customer as the platform knows it.
public struct AccountRecord: LifecycleRecord {
    public static let table = "billing_accounts"
    public static let key = ["stripe_customer_id"]

    public var stripeCustomerID: String
    public var tenantID: String?
    public var company: String?
    public var billingEmail: String?
    /// Contact addresses by role: `billing`, `admin`, `account_manager`.
    public var contacts: [String: [String]]
    public var defaultPaymentMethod: String?
    public var deleted: Bool
    public var lastEventCreated: Int64
    public var lastEventID: String

    public var version: SnapshotVersion { SnapshotVersion(created: lastEventCreated, eventID: lastEventID) }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeCustomerID = "stripe_customer_id", tenantID = "tenant_id", company, billingEmail = "billing_email", contacts
        case defaultPaymentMethod = "default_payment_method", deleted
        case lastEventCreated = "last_event_created", lastEventID = "last_event_id"
    }

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
