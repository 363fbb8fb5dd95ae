import BillingCore
import Foundation

/// A Stripe event decoded in one pass: the envelope and, by its type, the object it carries.
public struct StripeObjectEvent: Decodable, Sendable, Equatable {
    /// Stripe's event id (`evt_…`).
    public var id: String
    /// The event type, e.g. `customer.subscription.updated`; it says which object ``object`` holds.
    public var type: String
    /// Unix seconds at which Stripe created the event: the time of the snapshot it carries.
    public var created: Int64
    /// True for live-mode events, false for test mode; nil when the body lacks it.
    public var livemode: Bool?
    /// The API version the object is rendered in (`api_version`); nil when the body lacks it.
    public var apiVersion: String?
    /// The customer, subscription or invoice the event carries, or `.other` for a type this service does not keep.
    public var object: StripeEventObject

    /// The snapshot's place in time, for ``SnapshotDecision``.
    public var version: SnapshotVersion { SnapshotVersion(created: created, eventID: id) }

    enum CodingKeys: String, CodingKey {
        case id, type, created, livemode, data
        case apiVersion = "api_version"
    }

    enum DataKeys: String, CodingKey { case object }

    /// Decodes the envelope and, for a type that carries a kept object, that object; `id`, `type` and `created` are
    /// required.
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
