import BillingCore
import Foundation

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
