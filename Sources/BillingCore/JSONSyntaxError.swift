/// Why some bytes are not JSON: what was wrong, at which byte (counted from 0).
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public var description: String { "byte \(offset): \(reason)" }
}
