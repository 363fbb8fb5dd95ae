import BillingCore

/// Which channels each template uses per recipient role: the template's own entry, else the
/// default's.
public struct ChannelRouting: Sendable, Equatable {
    public var defaults: [ContactRole: [NotificationChannel]]
    public var templates: [String: [ContactRole: [NotificationChannel]]]

    public init(defaults: [ContactRole: [NotificationChannel]], templates: [String: [ContactRole: [NotificationChannel]]] = [:]) {
        self.defaults = defaults
        self.templates = templates
    }

    public func channels(template: String, role: ContactRole) -> [NotificationChannel] {
        if let own = templates[template] { return own[role] ?? [] }
        return defaults[role] ?? []
    }
}
