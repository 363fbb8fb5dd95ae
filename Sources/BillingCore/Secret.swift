/// A value that must never be printed. Its description is redacted.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself, for the one place that must send it.
    public let value: String
    /// Wraps `value` so it cannot be printed by accident.
    public init(_ value: String) { self.value = value }
    /// `[redacted]`.
    public var description: String { "[redacted]" }
    /// `[redacted]`.
    public var debugDescription: String { "[redacted]" }
}
