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
