/// A document read for its top level (``JSONParser/parseTopLevel(_:)``).
public enum JSONTopLevel: Sendable, Hashable {
    /// A top-level array's elements, with the bytes each came from.
    case array([JSONElement])
    /// Any other document.
    case value(JSONValue)
}
