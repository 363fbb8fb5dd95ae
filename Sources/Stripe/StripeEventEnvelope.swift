import BillingCore
import Foundation

/// The part of a Stripe event the intake reads: enough to route and identify it. The payload
/// itself is published unchanged; consumers decode the objects they need.
public struct StripeEventEnvelope: Decodable, Sendable, Equatable {
    public var id: String
    public var type: String
    /// Unix seconds at which Stripe created the event.
    public var created: Int64?
    public var livemode: Bool?
    public var apiVersion: String?

    enum CodingKeys: String, CodingKey {
        case id, type, created, livemode
        case apiVersion = "api_version"
    }

    public init(id: String, type: String, created: Int64? = nil, livemode: Bool? = nil, apiVersion: String? = nil) {
        self.id = id
        self.type = type
        self.created = created
        self.livemode = livemode
        self.apiVersion = apiVersion
    }
}

/// An event type usable in a routing key (see ``InternalEvent/isValidType(_:)``): no event can
/// smuggle in the topic wildcards `*` and `#`.
public func isValidEventType(_ type: String) -> Bool {
    InternalEvent.isValidType(type)
}
