import BillingCore
import Foundation

/// The Stripe object an event carries, for the event types whose `data.object` is a snapshot
/// of a customer, a subscription or an invoice.
public enum StripeEventObject: Sendable, Equatable {
    case customer(StripeCustomer)
    case subscription(StripeSubscription)
    case invoice(StripeInvoice)
    /// An event type whose object this service does not keep (it is archived only).
    case other

    /// Which object an event type carries. `invoice.upcoming` is left out: its invoice is a
    /// preview without an id.
    public enum Kind: Sendable, Equatable {
        case customer, subscription, invoice, other

        public init(eventType type: String) {
            switch type {
            case "customer.created", "customer.updated", "customer.deleted":
                self = .customer
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
                 "customer.subscription.trial_will_end", "customer.subscription.paused", "customer.subscription.resumed",
                 "customer.subscription.pending_update_applied", "customer.subscription.pending_update_expired":
                self = .subscription
            case "invoice.created", "invoice.finalized", "invoice.updated", "invoice.paid", "invoice.payment_failed",
                 "invoice.payment_action_required", "invoice.marked_uncollectible", "invoice.voided",
                 "invoice.payment_succeeded", "invoice.finalization_failed", "invoice.sent", "invoice.overdue":
                self = .invoice
            default:
                self = .other
            }
        }
    }
}

/// A Stripe event decoded in one pass: the envelope and, by its type, the object it carries.
public struct StripeObjectEvent: Decodable, Sendable, Equatable {
    public var id: String
    public var type: String
    public var created: Int64
    public var livemode: Bool?
    public var apiVersion: String?
    public var object: StripeEventObject

    /// The snapshot's place in time, for ``SnapshotDecision``.
    public var version: SnapshotVersion { SnapshotVersion(created: created, eventID: id) }

    enum CodingKeys: String, CodingKey {
        case id, type, created, livemode, data
        case apiVersion = "api_version"
    }

    enum DataKeys: String, CodingKey { case object }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        type = try container.decode(String.self, forKey: .type)
        created = try container.decode(Int64.self, forKey: .created)
        livemode = try container.decodeIfPresent(Bool.self, forKey: .livemode)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        let kind = StripeEventObject.Kind(eventType: type)
        guard kind != .other else {
            object = .other
            return
        }
        let data = try container.nestedContainer(keyedBy: DataKeys.self, forKey: .data)
        switch kind {
        case .customer: object = .customer(try data.decode(StripeCustomer.self, forKey: .object))
        case .subscription: object = .subscription(try data.decode(StripeSubscription.self, forKey: .object))
        case .invoice: object = .invoice(try data.decode(StripeInvoice.self, forKey: .object))
        case .other: object = .other
        }
    }

    /// Decodes `body`; a `DecodingError` names the missing or malformed field.
    public static func decode(_ body: [UInt8]) throws -> StripeObjectEvent {
        try JSONDecoder().decode(StripeObjectEvent.self, from: Data(body))
    }
}
