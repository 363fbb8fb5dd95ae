import BillingCore

/// A consumer's request for one logical notification: the `data` of an ``InternalEvent`` of
/// type ``eventType``, read by the notifications consumer. `key` identifies it (a dunning case
/// and step, a quota window and threshold): the same key twice sends nothing twice.
public struct NotificationRequested: Sendable, Equatable, Codable {
    /// `notification.requested`.
    public static let eventType = "notification.requested"

    /// What identifies the notification, e.g. a dunning case and step: the same key twice sends once.
    public var key: String
    /// A template name under `config/notifications/`.
    public var template: String
    /// ``ContactRole`` raw values.
    public var roles: [String]
    /// What the template reads.
    public var data: [String: JSONValue]?

    /// A request to send `template` to the tenant's contacts of `roles`, with `data` for the template.
    public init(key: String, template: String, roles: [ContactRole], data: [String: JSONValue]) {
        self.key = key
        self.template = template
        self.roles = roles.map(\.rawValue)
        self.data = data
    }

    /// The event id of the request: `notify:<key>`.
    public var eventID: String { "notify:\(key)" }
}
