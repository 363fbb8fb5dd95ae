import Foundation

/// A configuration file (`consumers/*.yaml`, `config/plans.yaml`) that cannot be used; names
/// the file and the key, so the operator knows exactly what to fix.
public struct ConfigurationFileError: Error, Equatable, CustomStringConvertible {
    /// The file's path as given.
    package var file: String
    /// The key path that is wrong (`plans.team.limits`); nil when the file as a whole is.
    package var key: String?
    /// What is wrong, or what the key takes.
    package var reason: String

    package init(file: String, key: String?, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    /// The error a decoding failure stands for: the key path where it happened (`a.b[2].c`)
    /// and what the key takes there.
    package init(_ error: DecodingError, file: String) {
        func path(_ codingPath: [any CodingKey]) -> String? {
            var text = ""
            for key in codingPath {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? nil : text
        }
        switch error {
        case .typeMismatch(let type, let context):
            let key = path(context.codingPath)
            self.init(file: file, key: key, reason: key == nil ? "expected a mapping at the top level" : "expected \(Self.expectation(type))")
        case .valueNotFound(let type, let context):
            self.init(file: file, key: path(context.codingPath), reason: "required; \(Self.expectation(type))")
        case .keyNotFound(let key, let context):
            self.init(file: file, key: path(context.codingPath + [key]), reason: "required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, let underlying = context.underlyingError {
                self.init(file: file, key: nil, reason: "not valid YAML: \(underlying)")
            } else {
                self.init(file: file, key: path(context.codingPath), reason: context.debugDescription)
            }
        @unknown default:
            self.init(file: file, key: nil, reason: "\(error)")
        }
    }

    /// What a value of `type` is, in the words of the configuration files.
    static func expectation(_ type: Any.Type) -> String {
        if let described = type as? any ConfigurationValue.Type { return described.expectation }
        switch type {
        case is String.Type: return "text"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is UInt16.Type: return "a whole number"
        case is Double.Type: return "a number"
        default:
            // Yams names the node it expected (`Node.Sequence`, `Node.Scalar`, `Node.Mapping`).
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasSuffix("Sequence") { return "a list" }
            if name.hasSuffix("Scalar") { return "a single value, not a list or a mapping" }
            return "a mapping"
        }
    }

    /// `config/plans.yaml: plans.team.name: required`: the file, the key and the reason, for the operator.
    public var description: String {
        if let key { return "\(file): \(key): \(reason)" }
        return "\(file): \(reason)"
    }
}
