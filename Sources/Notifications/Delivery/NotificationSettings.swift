import Foundation

/// `config/notifications.yaml`: the sender, the branding and the channel routing.
package struct NotificationSettings: Sendable, Equatable {
    /// `Name <address>` or a bare address: the From header and the envelope sender.
    package var from: String
    package var replyTo: String?
    package var branding: Branding
    package var routing: ChannelRouting
    /// The folder of the Mustache templates.
    package var templatesDirectory: String

    package init(from: String, replyTo: String? = nil, branding: Branding, routing: ChannelRouting, templatesDirectory: String) {
        self.from = from
        self.replyTo = replyTo
        self.branding = branding
        self.routing = routing
        self.templatesDirectory = templatesDirectory
    }

    /// The bare address of ``from``.
    package var fromAddress: String {
        guard let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close else {
            return from.trimmingCharacters(in: .whitespaces)
        }
        return String(from[from.index(after: open)..<close])
    }
}
