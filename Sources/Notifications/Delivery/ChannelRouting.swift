import BillingCore

/// Which channels each template uses per recipient role: the template's own entry, else the
/// default's.
package struct ChannelRouting: Sendable, Equatable {
    package var defaults: [ContactRole: [NotificationChannel]]
    package var templates: [String: [ContactRole: [NotificationChannel]]]

    package init(defaults: [ContactRole: [NotificationChannel]], templates: [String: [ContactRole: [NotificationChannel]]] = [:]) {
        self.defaults = defaults
        self.templates = templates
    }

    package func channels(template: String, role: ContactRole) -> [NotificationChannel] {
        if let own = templates[template] { return own[role] ?? [] }
        return defaults[role] ?? []
    }
}
