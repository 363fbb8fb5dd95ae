import Foundation
import Yams

/// Reads a configuration file into a `Decodable` value with Yams' `YAMLDecoder`. A failure
/// becomes a ``ConfigurationFileError`` that names the file, the key path and what the key
/// takes; mappings wrapped in ``Strict`` refuse keys they do not know.
package enum YAMLFile {
    package static func text(at path: String) throws(ConfigurationFileError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationFileError(file: path, key: nil, reason: "cannot read the file")
        }
        return text
    }

    /// Decodes `text`, the contents of `file`.
    package static func decode<Value: Decodable>(_ type: Value.Type, from text: String, file: String) throws(ConfigurationFileError) -> Value {
        do {
            return try YAMLDecoder().decode(type, from: text)
        } catch let error as DecodingError {
            throw ConfigurationFileError(error, file: file)
        } catch {
            throw ConfigurationFileError(file: file, key: nil, reason: "not valid YAML: \(error)")
        }
    }
}
