import BillingCore
import ConfigurationFiles
import Foundation
import Mustache

/// The Mustache templates of `config/notifications/`, parsed once at start: for each
/// notification `NAME.subject.mustache`, `NAME.text.mustache` and `NAME.html.mustache`; files
/// starting with `_` are partials and layouts (`{{< _layout.html}}`).
///
/// Subject and text are rendered without HTML escaping; HTML escapes every `{{value}}`.
package struct NotificationTemplates: Sendable {
    let library: MustacheLibrary
    /// The notifications that have all three parts.
    package let names: Set<String>

    package static let parts = ["subject", "text", "html"]

    package init(directory: String) throws(ConfigurationFileError) {
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
    package func render(_ template: String, values: [String: Any]) -> RenderedNotification? {
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
