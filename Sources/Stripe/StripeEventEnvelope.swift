import BillingCore
import Foundation
import Messages

/// The part of a Stripe event the intake reads: enough to route and identify it. The payload
/// itself is published unchanged; consumers decode the objects they need.
public struct StripeEventEnvelope: Decodable, Sendable, Equatable {
    public var id: String
    public var type: String
    /// Unix seconds at which Stripe created the event.
    public var created: Int64?
    public var livemode: Bool?
    public var apiVersion: String?
    /// The Stripe customer the event is about (`data.object.customer`, or the customer's own
    /// id for customer events), when it has one. Consumers that lock per customer use it to
    /// keep one customer's events in one worker.
    public var customerID: String?

    enum CodingKeys: String, CodingKey {
        case id, type, created, livemode, data
        case apiVersion = "api_version"
    }

    enum DataKeys: String, CodingKey { case object }
    enum ObjectKeys: String, CodingKey { case id, object, customer }
    struct Reference: Decodable { var id: String }

    public init(id: String, type: String, created: Int64? = nil, livemode: Bool? = nil, apiVersion: String? = nil,
                customerID: String? = nil) {
        self.id = id
        self.type = type
        self.created = created
        self.livemode = livemode
        self.apiVersion = apiVersion
        self.customerID = customerID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        type = try container.decode(String.self, forKey: .type)
        created = try container.decodeIfPresent(Int64.self, forKey: .created)
        livemode = try container.decodeIfPresent(Bool.self, forKey: .livemode)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        // Best effort: a missing or odd object never refuses the event here.
        let object = try? container.nestedContainer(keyedBy: DataKeys.self, forKey: .data).nestedContainer(keyedBy: ObjectKeys.self, forKey: .object)
        if let object {
            if (try? object.decodeIfPresent(String.self, forKey: .object)) == "customer" {
                customerID = try? object.decodeIfPresent(String.self, forKey: .id)
            } else if let customer = try? object.decodeIfPresent(String.self, forKey: .customer) {
                customerID = customer
            } else {
                customerID = (try? object.decodeIfPresent(Reference.self, forKey: .customer))?.id
            }
        }
    }
}

/// An event type usable in a routing key (see `RoutingKey.isValidEventType(_:)`): no event can
/// smuggle in the topic wildcards `*` and `#`.
public func isValidEventType(_ type: String) -> Bool {
    RoutingKey.isValidEventType(type)
}
