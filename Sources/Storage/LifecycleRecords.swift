import BillingCore
import Foundation

/// A row of one of the lifecycle tables. Its coding keys are the table's column names, so rows
/// travel to and from PostgreSQL as JSON (`jsonb_populate_recordset`, `to_jsonb`): one
/// statement writes a whole batch of rows.
public protocol LifecycleRecord: Codable, Sendable, Equatable {
    associatedtype CodingKeys: CodingKey & CaseIterable & RawRepresentable<String>
    static var table: String { get }
    /// The columns of the conflict target.
    static var key: [String] { get }
}

extension LifecycleRecord {
    static var columns: [String] { CodingKeys.allCases.map(\.rawValue) }
}

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

/// `subscriptions`: the latest applied snapshot of a Stripe subscription, with its plan and MRR.
public struct SubscriptionRecord: LifecycleRecord {
    public static let table = "subscriptions"
    public static let key = ["stripe_subscription_id"]

    public var stripeSubscriptionID: String
    public var stripeCustomerID: String
    public var tenantID: String?
    /// nil when the price maps to no plan (counted and logged as an unknown price).
    public var tier: PlanTier?
    public var status: SubscriptionStatus
    public var priceID: String?
    public var quantity: Int64
    public var currency: String?
    /// The normalised monthly amount in cents, whatever the status; nil for a non-recurring price.
    public var monthlyAmount: Int64?
    /// What the subscription counts towards MRR in its status (``Revenue/counted(_:status:)``).
    public var mrr: Int64
    public var percentOff: Double?
    public var amountOff: Int64?
    public var trialStart: Date?
    public var trialEnd: Date?
    public var currentPeriodStart: Date?
    public var currentPeriodEnd: Date?
    public var cancelAtPeriodEnd: Bool
    public var cancelAt: Date?
    public var canceledAt: Date?
    public var endedAt: Date?
    public var pauseBehavior: String?
    public var created: Date?
    public var lastEventCreated: Int64
    public var lastEventID: String

    public var version: SnapshotVersion { SnapshotVersion(created: lastEventCreated, eventID: lastEventID) }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeSubscriptionID = "stripe_subscription_id", stripeCustomerID = "stripe_customer_id", tenantID = "tenant_id"
        case tier, status, priceID = "price_id", quantity, currency, monthlyAmount = "monthly_amount", mrr
        case percentOff = "percent_off", amountOff = "amount_off", trialStart = "trial_start", trialEnd = "trial_end"
        case currentPeriodStart = "current_period_start", currentPeriodEnd = "current_period_end"
        case cancelAtPeriodEnd = "cancel_at_period_end", cancelAt = "cancel_at", canceledAt = "canceled_at"
        case endedAt = "ended_at", pauseBehavior = "pause_behavior", created
        case lastEventCreated = "last_event_created", lastEventID = "last_event_id"
    }

    public init(stripeSubscriptionID: String, stripeCustomerID: String, tenantID: String?, tier: PlanTier?,
                status: SubscriptionStatus, priceID: String?, quantity: Int64, currency: String?, monthlyAmount: Int64?,
                mrr: Int64, percentOff: Double?, amountOff: Int64?, trialStart: Date?, trialEnd: Date?,
                currentPeriodStart: Date?, currentPeriodEnd: Date?, cancelAtPeriodEnd: Bool, cancelAt: Date?,
                canceledAt: Date?, endedAt: Date?, pauseBehavior: String?, created: Date?, version: SnapshotVersion) {
        self.stripeSubscriptionID = stripeSubscriptionID
        self.stripeCustomerID = stripeCustomerID
        self.tenantID = tenantID
        self.tier = tier
        self.status = status
        self.priceID = priceID
        self.quantity = quantity
        self.currency = currency
        self.monthlyAmount = monthlyAmount
        self.mrr = mrr
        self.percentOff = percentOff
        self.amountOff = amountOff
        self.trialStart = trialStart
        self.trialEnd = trialEnd
        self.currentPeriodStart = currentPeriodStart
        self.currentPeriodEnd = currentPeriodEnd
        self.cancelAtPeriodEnd = cancelAtPeriodEnd
        self.cancelAt = cancelAt
        self.canceledAt = canceledAt
        self.endedAt = endedAt
        self.pauseBehavior = pauseBehavior
        self.created = created
        self.lastEventCreated = version.created
        self.lastEventID = version.eventID
    }
}

/// `subscription_items`: the items of a subscription's latest applied snapshot.
public struct SubscriptionItemRecord: LifecycleRecord {
    public static let table = "subscription_items"
    public static let key = ["stripe_item_id"]

    public var stripeItemID: String
    public var stripeSubscriptionID: String
    public var priceID: String
    public var tier: PlanTier?
    public var quantity: Int64
    public var unitAmount: Int64?
    public var currency: String
    public var recurringInterval: String?
    public var intervalCount: Int64?
    public var currentPeriodStart: Date?
    public var currentPeriodEnd: Date?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeItemID = "stripe_item_id", stripeSubscriptionID = "stripe_subscription_id", priceID = "price_id", tier
        case quantity, unitAmount = "unit_amount", currency, recurringInterval = "recurring_interval"
        case intervalCount = "interval_count", currentPeriodStart = "current_period_start", currentPeriodEnd = "current_period_end"
    }

    public init(stripeItemID: String, stripeSubscriptionID: String, priceID: String, tier: PlanTier?, quantity: Int64,
                unitAmount: Int64?, currency: String, recurringInterval: String?, intervalCount: Int64?,
                currentPeriodStart: Date?, currentPeriodEnd: Date?) {
        self.stripeItemID = stripeItemID
        self.stripeSubscriptionID = stripeSubscriptionID
        self.priceID = priceID
        self.tier = tier
        self.quantity = quantity
        self.unitAmount = unitAmount
        self.currency = currency
        self.recurringInterval = recurringInterval
        self.intervalCount = intervalCount
        self.currentPeriodStart = currentPeriodStart
        self.currentPeriodEnd = currentPeriodEnd
    }
}

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

/// `subscription_transitions`: one status change (or the first status) of a subscription.
public struct TransitionRecord: LifecycleRecord {
    public static let table = "subscription_transitions"
    public static let key = ["stripe_subscription_id", "event_id"]

    public var stripeSubscriptionID: String
    public var eventID: String
    public var fromStatus: SubscriptionStatus?
    public var toStatus: SubscriptionStatus
    public var kind: String
    public var eventCreated: Int64

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeSubscriptionID = "stripe_subscription_id", eventID = "event_id", fromStatus = "from_status"
        case toStatus = "to_status", kind, eventCreated = "event_created"
    }

    public init(stripeSubscriptionID: String, eventID: String, fromStatus: SubscriptionStatus?, toStatus: SubscriptionStatus,
                kind: TransitionKind, eventCreated: Int64) {
        self.stripeSubscriptionID = stripeSubscriptionID
        self.eventID = eventID
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.kind = kind.rawValue
        self.eventCreated = eventCreated
    }
}

/// `stale_snapshots`: a snapshot that arrived after a newer one of the same object was applied.
public struct StaleSnapshotRecord: LifecycleRecord {
    public static let table = "stale_snapshots"
    public static let key = ["object_id", "event_id"]

    public var eventID: String
    public var objectType: String
    public var objectID: String
    public var eventCreated: Int64
    public var appliedEventID: String
    public var appliedEventCreated: Int64

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case eventID = "event_id", objectType = "object_type", objectID = "object_id", eventCreated = "event_created"
        case appliedEventID = "applied_event_id", appliedEventCreated = "applied_event_created"
    }

    public init(objectType: String, objectID: String, incoming: SnapshotVersion, applied: SnapshotVersion) {
        self.eventID = incoming.eventID
        self.objectType = objectType
        self.objectID = objectID
        self.eventCreated = incoming.created
        self.appliedEventID = applied.eventID
        self.appliedEventCreated = applied.created
    }
}

/// `mrr_movements`: a change of a subscription's counted MRR.
public struct MRRMovementRecord: LifecycleRecord {
    public static let table = "mrr_movements"
    public static let key = ["stripe_subscription_id", "event_id"]

    public var stripeSubscriptionID: String
    public var eventID: String
    public var stripeCustomerID: String
    public var tier: PlanTier?
    public var kind: Revenue.MovementKind
    public var fromMRR: Int64
    public var toMRR: Int64
    public var currency: String
    public var occurredAt: Date

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeSubscriptionID = "stripe_subscription_id", eventID = "event_id", stripeCustomerID = "stripe_customer_id"
        case tier, kind, fromMRR = "from_mrr", toMRR = "to_mrr", currency, occurredAt = "occurred_at"
    }

    public init(stripeSubscriptionID: String, eventID: String, stripeCustomerID: String, tier: PlanTier?,
                kind: Revenue.MovementKind, fromMRR: Int64, toMRR: Int64, currency: String, occurredAt: Date) {
        self.stripeSubscriptionID = stripeSubscriptionID
        self.eventID = eventID
        self.stripeCustomerID = stripeCustomerID
        self.tier = tier
        self.kind = kind
        self.fromMRR = fromMRR
        self.toMRR = toMRR
        self.currency = currency
        self.occurredAt = occurredAt
    }
}
