/// One value of a parsed document with the bytes it was read from, so the bytes can be passed on
/// exactly as they came.
public struct JSONElement: Sendable, Hashable {
    /// The parsed value.
    public var value: JSONValue
    /// Offsets into the parsed bytes, from the value's first byte to just past its last.
    public var range: Range<Int>

    package init(value: JSONValue, range: Range<Int>) {
        self.value = value
        self.range = range
    }
}
