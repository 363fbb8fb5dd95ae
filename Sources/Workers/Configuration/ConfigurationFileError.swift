import Foundation
import Yams

/// A configuration file (`consumers/*.yaml`, `config/plans.yaml`) that cannot be used; names
/// the file and the key, so the operator knows exactly what to fix.
public struct ConfigurationFileError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var reason: String

    public init(file: String, key: String?, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    public var description: String {
        if let key { return "\(file): \(key): \(reason)" }
        return "\(file): \(reason)"
    }
}

/// The reading every configuration file shares: its text, then its top-level mapping.
enum YAMLFile {
    static func text(at path: String) throws(ConfigurationFileError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationFileError(file: path, key: nil, reason: "cannot read the file")
        }
        return text
    }

    static func mapping(_ text: String, file: String) throws(ConfigurationFileError) -> [String: Any] {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw ConfigurationFileError(file: file, key: nil, reason: "not valid YAML: \(error)")
        }
        guard let root = loaded as? [String: Any] else {
            throw ConfigurationFileError(file: file, key: nil, reason: "expected a mapping at the top level")
        }
        return root
    }
}
