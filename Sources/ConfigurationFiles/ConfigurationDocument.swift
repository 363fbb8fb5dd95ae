/// A configuration file as written, decoded strictly (unknown keys refused), then checked by
/// ``validate(file:)`` into what it configures.
package protocol ConfigurationDocument: StrictDecodable {
    associatedtype Checked
    /// What the file configures, or the first thing wrong with it, naming the key.
    func validate(file: String) throws(ConfigurationFileError) -> Checked
}

extension YAMLFile {
    /// Reads, decodes and checks the file at `path`.
    package static func load<Document: ConfigurationDocument>(_ type: Document.Type, path: String)
        throws(ConfigurationFileError) -> Document.Checked
    {
        try parse(type, yaml: try text(at: path), file: path)
    }

    /// Decodes and checks a file's text; `file` names it in errors.
    package static func parse<Document: ConfigurationDocument>(_ type: Document.Type, yaml text: String, file: String)
        throws(ConfigurationFileError) -> Document.Checked
    {
        try decode(Strict<Document>.self, from: text, file: file).value.validate(file: file)
    }
}
