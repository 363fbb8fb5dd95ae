import BillingCore
import ConfigurationFiles
import Foundation

/// Reads `config/notifications.yaml` into ``NotificationSettings``: decoded into ``Document``,
/// then checked by ``Document/validate(file:)``; errors name the file and the key.
package enum NotificationSettingsFile {
    /// Reads and checks the file at `path`.
    package static func load(path: String) throws(ConfigurationFileError) -> NotificationSettings {
        try YAMLFile.load(Document.self, path: path)
    }

    /// Reads and checks a file's text; `file` names it in errors and anchors the templates folder.
    package static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> NotificationSettings {
        try YAMLFile.parse(Document.self, yaml: text, file: file)
    }

    /// The file as written.
    struct Document: ConfigurationDocument {
        var from: String?
        var replyTo: String?
        var branding: Strict<BrandingEntry>?
        /// Channels per role: `default`, and any template's own.
        var channels: [String: [String: [String]]]?
        var templates: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case from, branding, channels, templates
            case replyTo = "reply_to"
        }
    }

    struct BrandingEntry: StrictDecodable {
        var companyName: String?
        var address: String?
        var phone: String?
        var email: String?
        var website: String?
        var primaryColor: String?
        var logoURL: String?
        var paymentInstructions: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case address, phone, email, website
            case companyName = "company_name"
            case primaryColor = "primary_color"
            case logoURL = "logo_url"
            case paymentInstructions = "payment_instructions"
        }
    }
}

extension NotificationSettingsFile.Document {
    /// The settings the file describes, or the first thing wrong with it.
    func validate(file: String) throws(ConfigurationFileError) -> NotificationSettings {
        func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        guard let from, from.contains("@") else {
            throw fail("from", "required; the sender, e.g. \"Example Billing <billing@example.com>\"")
        }
        guard let branding = branding?.value else { throw fail("branding", "required; a mapping") }
        func brand(_ value: String?, _ key: String) throws(ConfigurationFileError) -> String {
            guard let value, !value.isEmpty else { throw fail("branding.\(key)", "required; text") }
            return value
        }
        let resolved = Branding(
            companyName: try brand(branding.companyName, "company_name"), address: try brand(branding.address, "address"),
            phone: try brand(branding.phone, "phone"), email: try brand(branding.email, "email"), website: try brand(branding.website, "website"),
            primaryColor: try brand(branding.primaryColor, "primary_color"), logoURL: try brand(branding.logoURL, "logo_url"),
            paymentInstructions: try brand(branding.paymentInstructions, "payment_instructions"))
        guard let channels, let defaults = channels["default"] else {
            throw fail("channels.default", "required; channels per role, e.g. {billing: [email, webhook], admin: [email]}")
        }
        func routes(_ mapping: [String: [String]], key: String) throws(ConfigurationFileError) -> [ContactRole: [NotificationChannel]] {
            var routes: [ContactRole: [NotificationChannel]] = [:]
            for (roleName, names) in mapping.sorted(by: { $0.key < $1.key }) {
                guard let role = ContactRole(rawValue: roleName) else {
                    throw fail("\(key).\(roleName)", "unknown role (known: billing, admin, account_manager)")
                }
                routes[role] = try names.map { (name) throws(ConfigurationFileError) in
                    guard let channel = NotificationChannel(rawValue: name) else {
                        throw fail("\(key).\(roleName)", "unknown channel \(name) (known: email, webhook, log)")
                    }
                    return channel
                }
            }
            return routes
        }
        var routing = ChannelRouting(defaults: try routes(defaults, key: "channels.default"))
        for (template, mapping) in channels.sorted(by: { $0.key < $1.key }) where template != "default" {
            routing.templates[template] = try routes(mapping, key: "channels.\(template)")
        }
        var directory = templates ?? "notifications"
        if !directory.hasPrefix("/") {
            // Relative to the file, so the file and its templates move together.
            directory = (URL(fileURLWithPath: file).deletingLastPathComponent().path as NSString).appendingPathComponent(directory)
        }
        return NotificationSettings(from: from, replyTo: replyTo, branding: resolved, routing: routing, templatesDirectory: directory)
    }
}
