import BillingCore
import Foundation

/// An event from the platform itself (`POST /v1/events`): usage, lifecycle commands.
///
/// `{"id", "type", "occurred_at", "tenant_id", "data"}`; `id` is the idempotency key.
public struct InternalEvent: Sendable, Hashable, Codable {
    /// The producer's id for the event: its idempotency key, at most 200 bytes.
    public var id: String
    /// The event type, e.g. `usage.recorded`: lowercase letters, digits, `_` and `.`.
    public var type: String
    /// When the event happened, as the producer says.
    public var occurredAt: Date
    /// The tenant it belongs to.
    public var tenantID: String
    /// The event's payload, whose shape depends on `type`.
    public var data: [String: JSONValue]

    enum CodingKeys: String, CodingKey {
        case id, type
        case occurredAt = "occurred_at"
        case tenantID = "tenant_id"
        case data
    }

    package init(id: String, type: String, occurredAt: Date, tenantID: String, data: [String: JSONValue]) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.tenantID = tenantID
        self.data = data
    }

    /// One field of one event that is wrong.
    public struct ValidationError: Error, Sendable, Hashable, Codable {
        /// The item's place in its batch, from 0.
        var index: Int
        /// The field that is wrong (`occurred_at`); empty when the item is not an object.
        var field: String
        /// What the field takes.
        var reason: String
    }

    /// Validates one decoded item of a batch; `index` is its place, for the error report.
    public static func validate(_ value: JSONValue, index: Int) -> Result<InternalEvent, ValidationError> {
        func fail(_ field: String, _ reason: String) -> Result<InternalEvent, ValidationError> {
            .failure(ValidationError(index: index, field: field, reason: reason))
        }
        guard let object = value.objectValue else { return fail("", "expected an object") }
        guard let id = object["id"]?.stringValue, !id.isEmpty, id.utf8.count <= 200 else {
            return fail("id", "required; a string of 1 to 200 bytes")
        }
        guard let type = object["type"]?.stringValue, isValidType(type) else {
            return fail("type", "required; lowercase letters, digits, '_' and '.', such as usage.recorded")
        }
        guard let occurred = object["occurred_at"]?.stringValue, let occurredAt = RFC3339.date(occurred) else {
            return fail("occurred_at", "required; an RFC 3339 time with a zone, such as 2026-11-24T12:00:00Z")
        }
        guard let tenant = object["tenant_id"]?.stringValue, !tenant.isEmpty, tenant.utf8.count <= 200 else {
            return fail("tenant_id", "required; a string of 1 to 200 bytes")
        }
        guard let data = object["data"]?.objectValue else { return fail("data", "required; an object") }
        return .success(InternalEvent(id: id, type: type, occurredAt: occurredAt, tenantID: tenant, data: data))
    }

    /// The same rule as Stripe event types: ``RoutingKey/isValidEventType(_:)``.
    package static func isValidType(_ type: String) -> Bool { RoutingKey.isValidEventType(type) }

    /// An event whose `data` is a typed payload (``DunningStepDue``, ``NotificationRequested``).
    public init(id: String, type: String, occurredAt: Date, tenantID: String, payload: some Encodable) throws {
        let data = try JSONDecoder().decode([String: JSONValue].self, from: JSONEncoder().encode(payload))
        self.init(id: id, type: type, occurredAt: occurredAt, tenantID: tenantID, data: data)
    }

    /// The message body producers inside the worker publish: keys sorted, times in ISO 8601.
    public func encodedBody() throws -> [UInt8] {
        Array(try Self.encoder.encode(self))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// An internal event read for its `data` alone, in a known shape.
    public struct Envelope<Payload: Decodable>: Decodable {
        /// The event's id.
        package var id: String
        /// The event's `data`, decoded as `Payload`.
        public var data: Payload
    }
}
