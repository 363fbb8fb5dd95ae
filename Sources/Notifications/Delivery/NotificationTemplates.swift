import BillingCore
import ConfigurationFiles
import Foundation
import Mustache

/// One notification rendered for one recipient.
public struct RenderedNotification: Sendable, Equatable {
    public var subject: String
    public var text: String
    public var html: String
    /// Variables the templates asked for and the values lacked (rendered empty). A template
    /// test fails on any; a send goes ahead and logs them.
    public var missingVariables: [String]
}

/// The Mustache templates of `config/notifications/`, parsed once at start: for each
/// notification `NAME.subject.mustache`, `NAME.text.mustache` and `NAME.html.mustache`; files
/// starting with `_` are partials and layouts (`{{< _layout.html}}`).
///
/// Subject and text are rendered without HTML escaping; HTML escapes every `{{value}}`.
public struct NotificationTemplates: Sendable {
    let library: MustacheLibrary
    /// The notifications that have all three parts.
    public let names: Set<String>

    public static let parts = ["subject", "text", "html"]

    public init(directory: String) throws(ConfigurationFileError) {
        let files: [String]
        do { files = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw ConfigurationFileError(file: directory, key: nil, reason: "cannot read the templates folder")
        }
        var library = MustacheLibrary()
        var parts: [String: Set<String>] = [:]
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let name = String(file.dropLast(".mustache".count))
            let path = (directory as NSString).appendingPathComponent(file)
            guard var text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationFileError(file: path, key: nil, reason: "cannot read the template")
            }
            let part = name.split(separator: ".").last.map(String.init) ?? ""
            if part == "subject" || part == "text" { text = "{{%CONTENT_TYPE:TEXT}}" + text }
            do { try library.register(text, named: name) } catch {
                throw ConfigurationFileError(file: path, key: nil, reason: "not a valid Mustache template: \(error)")
            }
            guard !name.hasPrefix("_"), Self.parts.contains(part) else { continue }
            parts[String(name.dropLast(part.count + 1)), default: []].insert(part)
        }
        for (name, found) in parts where found.count < Self.parts.count {
            let missing = Set(Self.parts).subtracting(found).sorted().map { "\(name).\($0).mustache" }
            throw ConfigurationFileError(file: directory, key: nil, reason: "\(name) lacks \(missing.joined(separator: ", "))")
        }
        self.library = library
        self.names = Set(parts.keys)
    }

    /// Renders the three parts of `template` with `values` (see ``TemplateValues``).
    public func render(_ template: String, values: [String: Any]) -> RenderedNotification? {
        guard names.contains(template) else { return nil }
        let recorder = MissingVariables()
        let root = TemplateScope(values: values, path: "", recorder: recorder)
        func part(_ name: String) -> String { library.render(root, withTemplate: "\(template).\(name)") ?? "" }
        // A subject is one line, however the template wraps it.
        let subject = part("subject").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return RenderedNotification(subject: subject, text: part("text"), html: part("html"), missingVariables: recorder.names.sorted())
    }
}

/// The values a template sees, built from a request's data; derived fields are added so
/// templates never compute: every amount `X` (a key `amount…` or `…_amount`, in minor units of
/// the data's `currency`) gains `X_display` (`$1,234.56`); every time `X` (a key ending in
/// `_at`, `_end` or `_start`, unix seconds) gains `X_display` (`25 November 2026, 14:05 UTC`)
/// and `X_date` (`25 November 2026`).
public enum TemplateValues {
    public static func make(data: [String: JSONValue], brand: Branding, extra: [String: Any]) -> [String: Any] {
        var values: [String: Any] = [:]
        for (key, value) in data { values[key] = plain(value) }
        let currency = Currency((data["currency"]?.stringValue) ?? "usd")
        for (key, value) in data {
            guard case .number(let number) = value, number.rounded() == number, abs(number) < 9e15 else { continue }
            let whole = Int64(number)
            if key.hasPrefix("amount") || key.hasSuffix("_amount") {
                values["\(key)_display"] = Money(minorUnits: whole, currency: currency).displayText
            } else if key.hasSuffix("_at") || key.hasSuffix("_end") || key.hasSuffix("_start") {
                values["\(key)_display"] = UTCDisplay.dateTime(whole)
                values["\(key)_date"] = UTCDisplay.date(whole)
            }
        }
        values["currency_code"] = currency.code.uppercased()
        values["brand"] = TemplateObject(fields: brand.templateValues)
        values.merge(extra) { $1 }
        return values
    }

    static func plain(_ value: JSONValue) -> Any {
        switch value {
        case .string(let text): text
        case .number(let number): number.rounded() == number && abs(number) < 9e15 ? Int64(number) as Any : number as Any
        case .bool(let flag): flag
        case .array(let items): items.map(plain)
        case .object(let fields): TemplateObject(fields: fields.mapValues(plain))
        case .null: NSNull()  // present and empty: renders nothing, and is not a missing variable
        }
    }
}

/// An object inside a template's values (a JSON object of the request, or `brand`): a scope of
/// its own for dotted names, and a plain mapping inside sections.
struct TemplateObject: MustacheParent {
    var fields: [String: Any]

    func child(named name: String) -> Any? { fields[name] }
}

/// The names lookups did not find, shared by every scope of one render.
final class MissingVariables {
    var names: Set<String> = []
}

/// A mapping that remembers which names it was asked for and lacked. Templates use dotted
/// names (`{{brand.company_name}}`) rather than sections over objects, so a miss is a real
/// one and not a lookup climbing the context stack.
final class TemplateScope: MustacheParent {
    let values: [String: Any]
    let path: String
    let recorder: MissingVariables

    init(values: [String: Any], path: String, recorder: MissingVariables) {
        self.values = values
        self.path = path
        self.recorder = recorder
    }

    func child(named name: String) -> Any? {
        guard let value = values[name] else {
            recorder.names.insert(path + name)
            return nil
        }
        if let nested = value as? TemplateObject {
            return TemplateScope(values: nested.fields, path: "\(path)\(name).", recorder: recorder)
        }
        return value
    }
}
