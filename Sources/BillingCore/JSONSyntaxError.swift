/// Why some bytes are not JSON: what was wrong, at which byte (counted from 0).
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The byte the parser stopped at, counted from 0.
    package var offset: Int
    /// What was wrong there, for people.
    package var reason: String

    /// `byte 12: expected ':' after the key`.
    public var description: String { "byte \(offset): \(reason)" }
}
