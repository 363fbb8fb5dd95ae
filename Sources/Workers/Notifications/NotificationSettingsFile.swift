import BillingCore
import Foundation

/// Where a notification goes: an email to the role's addresses, a signed POST to the tenant's
/// webhook endpoint, or a line in the log (development).
public enum NotificationChannel: String, Sendable, Hashable, CaseIterable, Codable {
    case email, webhook, log
}

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

/// What every template shows of the company that sends it.
public struct Branding: Sendable, Equatable {
    public var companyName: String
    public var address: String
    public var phone: String
    public var email: String
    public var website: String
    public var primaryColor: String
    public var logoURL: String
    public var paymentInstructions: String

    public init(companyName: String, address: String, phone: String, email: String, website: String, primaryColor: String,
                logoURL: String, paymentInstructions: String) {
        self.companyName = companyName
        self.address = address
        self.phone = phone
        self.email = email
        self.website = website
        self.primaryColor = primaryColor
        self.logoURL = logoURL
        self.paymentInstructions = paymentInstructions
    }

    /// The values templates read as `brand.*`.
    var templateValues: [String: Any] {
        ["company_name": companyName, "address": address, "phone": phone, "email": email, "website": website,
         "primary_color": primaryColor, "logo_url": logoURL, "payment_instructions": paymentInstructions]
    }
}

/// `config/notifications.yaml`: the sender, the branding and the channel routing.
public struct NotificationSettings: Sendable, Equatable {
    /// `Name <address>` or a bare address: the From header and the envelope sender.
    public var from: String
    public var replyTo: String?
    public var branding: Branding
    public var routing: ChannelRouting
    /// The folder of the Mustache templates.
    public var templatesDirectory: String

    public init(from: String, replyTo: String? = nil, branding: Branding, routing: ChannelRouting, templatesDirectory: String) {
        self.from = from
        self.replyTo = replyTo
        self.branding = branding
        self.routing = routing
        self.templatesDirectory = templatesDirectory
    }

    /// The bare address of ``from``.
    public var fromAddress: String {
        guard let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close else {
            return from.trimmingCharacters(in: .whitespaces)
        }
        return String(from[from.index(after: open)..<close])
    }
}

/// Reads `config/notifications.yaml`; errors name the file and the key.
public enum NotificationSettingsFile {
    public static func load(path: String) throws(ConfigurationFileError) -> NotificationSettings {
        try parse(yaml: try YAMLFile.text(at: path), file: path)
    }

    public static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> NotificationSettings {
        func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        let root = try YAMLFile.mapping(text, file: file)
        try PlanCatalogFile.rejectUnknown(root, known: ["from", "reply_to", "branding", "channels", "templates"], prefix: "", fail: fail)
        guard let from = root["from"] as? String, from.contains("@") else {
            throw fail("from", "required; the sender, e.g. \"Example Billing <billing@example.com>\"")
        }
        guard let brandingMap = root["branding"] as? [String: Any] else { throw fail("branding", "required; a mapping") }
        let brandKeys = ["company_name", "address", "phone", "email", "website", "primary_color", "logo_url", "payment_instructions"]
        try PlanCatalogFile.rejectUnknown(brandingMap, known: Set(brandKeys), prefix: "branding.", fail: fail)
        func brand(_ key: String) throws(ConfigurationFileError) -> String {
            guard let value = brandingMap[key] as? String, !value.isEmpty else { throw fail("branding.\(key)", "required; text") }
            return value
        }
        guard let channels = root["channels"] as? [String: Any], let defaults = channels["default"] else {
            throw fail("channels.default", "required; channels per role, e.g. {billing: [email, webhook], admin: [email]}")
        }
        func routes(_ value: Any, key: String) throws(ConfigurationFileError) -> [ContactRole: [NotificationChannel]] {
            guard let mapping = value as? [String: Any] else { throw fail(key, "expected channels per role") }
            var routes: [ContactRole: [NotificationChannel]] = [:]
            for (roleName, list) in mapping {
                guard let role = ContactRole(rawValue: roleName) else {
                    throw fail("\(key).\(roleName)", "unknown role (known: billing, admin, account_manager)")
                }
                guard let names = list as? [String] else { throw fail("\(key).\(roleName)", "expected a list of channels") }
                var channels: [NotificationChannel] = []
                for name in names {
                    guard let channel = NotificationChannel(rawValue: name) else {
                        throw fail("\(key).\(roleName)", "unknown channel \(name) (known: email, webhook, log)")
                    }
                    channels.append(channel)
                }
                routes[role] = channels
            }
            return routes
        }
        var routing = ChannelRouting(defaults: try routes(defaults, key: "channels.default"))
        for (template, value) in channels where template != "default" {
            routing.templates[template] = try routes(value, key: "channels.\(template)")
        }
        var directory = root["templates"] as? String ?? "notifications"
        if !directory.hasPrefix("/") {
            // Relative to the file, so the file and its templates move together.
            directory = (URL(fileURLWithPath: file).deletingLastPathComponent().path as NSString).appendingPathComponent(directory)
        }
        return NotificationSettings(
            from: from, replyTo: root["reply_to"] as? String,
            branding: Branding(companyName: try brand("company_name"), address: try brand("address"), phone: try brand("phone"),
                               email: try brand("email"), website: try brand("website"), primaryColor: try brand("primary_color"),
                               logoURL: try brand("logo_url"), paymentInstructions: try brand("payment_instructions")),
            routing: routing, templatesDirectory: directory)
    }
}
