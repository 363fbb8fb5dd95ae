import BillingCore
import Foundation
import Messages

/// The part of a Stripe event the intake reads: enough to route and identify it. The payload
/// itself is published unchanged; consumers decode the objects they need.
public struct StripeEventEnvelope: Decodable, Sendable, Equatable {
    /// Stripe's event id (`evt_…`), published as the message id so consumers can drop duplicates.
    public var id: String
    /// The event type, e.g. `invoice.paid`; the routing key is made from it.
    public var type: String
    /// Unix seconds at which Stripe created the event; nil when the body lacks it.
    public var created: Int64?
    /// True for live-mode events, false for test mode; nil when the body lacks it.
    public var livemode: Bool?
    /// The API version the event's objects are rendered in (`api_version`, e.g. `2025-03-31.basil`); nil when the body
    /// lacks it.
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

    package init(id: String, type: String, created: Int64? = nil, livemode: Bool? = nil, apiVersion: String? = nil,
                 customerID: String? = nil) {
        self.id = id
        self.type = type
        self.created = created
        self.livemode = livemode
        self.apiVersion = apiVersion
        self.customerID = customerID
    }

    /// Decodes an event's envelope; `id` and `type` are required, and an object without a customer leaves
    /// ``customerID`` nil rather than failing.
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
package func isValidEventType(_ type: String) -> Bool {
    RoutingKey.isValidEventType(type)
}
