

/// A strict RFC 8259 parser from UTF-8 bytes to ``JSONValue``.
///
/// It exists for the intake's batches: Foundation's `JSONDecoder` into an open enum spends most
/// of a batch's time trying one type after another. Beyond the grammar it refuses what would let
/// two readers of the same bytes disagree: invalid UTF-8, unpaired surrogate escapes, duplicate
/// keys (one reader takes the first, another the last), numbers a `Double` cannot hold, and
/// nesting deeper than ``maximumDepth`` (so hostile input cannot exhaust the stack).
public enum JSONParser {
    /// How deeply arrays and objects may nest before the parser refuses the document.
    package static let maximumDepth = 100

    /// The one value `bytes` hold.
    package static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try withReader(bytes) { (reader: inout Reader) throws(JSONSyntaxError) -> JSONValue in
            let value = try reader.document()
            return value
        }
    }

    /// A top-level array as its elements, each with its byte range; any other document as its
    /// value. One pass either way.
    public static func parseTopLevel(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONTopLevel {
        try withReader(bytes) { (reader: inout Reader) throws(JSONSyntaxError) -> JSONTopLevel in
            try reader.topLevel()
        }
    }

    /// The members of a top-level object, each value with its byte range; nil when the document
    /// is JSON but not an object. For a reader that needs a member's exact text (a decimal quantity).
    public static func parseObjectMembers(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> [String: JSONElement]? {
        try withReader(bytes) { (reader: inout Reader) throws(JSONSyntaxError) -> [String: JSONElement]? in
            try reader.topLevelMembers()
        }
    }

    static func withReader<Result>(_ bytes: some Collection<UInt8>,
                                   _ body: (inout Reader) throws(JSONSyntaxError) -> Result) throws(JSONSyntaxError) -> Result {
        let outcome = bytes.withContiguousStorageIfAvailable { buffer in read(buffer, body) }
            ?? Array(bytes).withUnsafeBufferPointer { buffer in read(buffer, body) }
        return try outcome.get()
    }

    static func read<Result>(_ buffer: UnsafeBufferPointer<UInt8>,
                             _ body: (inout Reader) throws(JSONSyntaxError) -> Result) -> Swift.Result<Result, JSONSyntaxError> {
        var reader = Reader(bytes: buffer)
        do throws(JSONSyntaxError) { return .success(try body(&reader)) } catch { return .failure(error) }
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0
        /// Reused for strings with escapes, which are decoded before their UTF-8 is checked.
        var scratch: [UInt8] = []

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        func fail(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
            JSONSyntaxError(offset: offset ?? index, reason: reason)
        }

        mutating func document() throws(JSONSyntaxError) -> JSONValue {
            skipWhitespace()
            let value = try self.value()
            try expectEnd()
            return value
        }

        mutating func topLevel() throws(JSONSyntaxError) -> JSONTopLevel {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return .value(try document()) }
            var elements: [JSONElement] = []
            try readArray { (reader) throws(JSONSyntaxError) in
                let start = reader.index
                let value = try reader.value()
                elements.append(JSONElement(value: value, range: start..<reader.index))
            }
            try expectEnd()
            return .array(elements)
        }

        mutating func topLevelMembers() throws(JSONSyntaxError) -> [String: JSONElement]? {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
                _ = try document()
                return nil
            }
            var members: [String: JSONElement] = [:]
            try readObject { (key, keyStart, reader) throws(JSONSyntaxError) in
                let start = reader.index
                let value = try reader.value()
                guard members.updateValue(JSONElement(value: value, range: start..<reader.index), forKey: key) == nil else {
                    throw reader.fail("duplicate key \"\(key)\"", at: keyStart)
                }
            }
            try expectEnd()
            return members
        }

        mutating func expectEnd() throws(JSONSyntaxError) {
            skipWhitespace()
            guard index == bytes.count else { throw fail("unexpected bytes after the JSON value") }
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
                default: return
                }
            }
        }

        mutating func value() throws(JSONSyntaxError) -> JSONValue {
            guard index < bytes.count else { throw fail("expected a JSON value, found the end") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("expected a JSON value")
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw fail("expected \(word)") }
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
            for offset in 0..<count where bytes[index + offset] != expected[offset] { throw fail("expected \(word)") }
            index += count
        }

        mutating func enter() throws(JSONSyntaxError) {
            depth += 1
            guard depth <= JSONParser.maximumDepth else { throw fail("nested deeper than \(JSONParser.maximumDepth) levels") }
        }

        mutating func object() throws(JSONSyntaxError) -> JSONValue {
            var members: [String: JSONValue] = [:]
            try readObject { (key, keyStart, reader) throws(JSONSyntaxError) in
                guard members.updateValue(try reader.value(), forKey: key) == nil else {
                    throw reader.fail("duplicate key \"\(key)\"", at: keyStart)
                }
            }
            return .object(members)
        }

        /// Reads `{ "key": value, … }`; `member` reads each value (the reader is just past the
        /// colon's whitespace) and is told where its key began.
        mutating func readObject(_ member: (String, Int, inout Reader) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
            try enter()
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
                let keyStart = index
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after the key") }
                index += 1
                skipWhitespace()
                try member(key, keyStart, &self)
                skipWhitespace()
                guard index < bytes.count else { throw fail("the object is not closed: expected ',' or '}'") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in the object") }
                index += 1
                depth -= 1
                return
            }
        }

        mutating func array() throws(JSONSyntaxError) -> JSONValue {
            var elements: [JSONValue] = []
            try readArray { (reader) throws(JSONSyntaxError) in elements.append(try reader.value()) }
            return .array(elements)
        }

        /// Reads `[ value, … ]`; `element` reads each value (the reader is at its first byte).
        mutating func readArray(_ element: (inout Reader) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
            try enter()
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return
            }
            while true {
                skipWhitespace()
                try element(&self)
                skipWhitespace()
                guard index < bytes.count else { throw fail("the array is not closed: expected ',' or ']'") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in the array") }
                index += 1
                depth -= 1
                return
            }
        }

        /// A string from its opening quote; the common case (no escapes, ASCII) copies once.
        mutating func string() throws(JSONSyntaxError) -> String {
            let opening = index
            index += 1
            let start = index
            var ascii = true
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    if ascii { return String(decoding: text, as: UTF8.self) }
                    guard let valid = String(validating: text, as: UTF8.self) else { throw fail("the string is not valid UTF-8", at: opening) }
                    return valid
                }
                if byte == UInt8(ascii: "\\") { return try escapedString(opening: opening, start: start) }
                guard byte >= 0x20 else { throw fail("a control character must be escaped inside a string") }
                if byte >= 0x80 { ascii = false }
                index += 1
            }
            throw fail("the string is not closed", at: opening)
        }

        mutating func escapedString(opening: Int, start: Int) throws(JSONSyntaxError) -> String {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let valid = String(validating: scratch, as: UTF8.self) else { throw fail("the string is not valid UTF-8", at: opening) }
                    return valid
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { break }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
                    case UInt8(ascii: "b"): scratch.append(0x08)
                    case UInt8(ascii: "f"): scratch.append(0x0C)
                    case UInt8(ascii: "n"): scratch.append(0x0A)
                    case UInt8(ascii: "r"): scratch.append(0x0D)
                    case UInt8(ascii: "t"): scratch.append(0x09)
                    case UInt8(ascii: "u"): try appendUnicodeEscape()
                    default: throw fail("unknown escape '\\\(Character(Unicode.Scalar(escape)))'", at: index - 2)
                    }
                default:
                    guard byte >= 0x20 else { throw fail("a control character must be escaped inside a string") }
                    scratch.append(byte)
                    index += 1
                }
            }
            throw fail("the string is not closed", at: opening)
        }

        /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX` low one after it.
        mutating func appendUnicodeEscape() throws(JSONSyntaxError) {
            let escapeStart = index - 2
            var scalar = try hexQuad()
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail("a high surrogate escape must be followed by a low one", at: escapeStart)
                }
                index += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("a high surrogate escape must be followed by a low one", at: escapeStart) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw fail("a low surrogate escape without a high one before it", at: escapeStart)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("not a Unicode scalar", at: escapeStart) }
            scratch.append(contentsOf: UTF8.encode(unicode)!)
        }

        mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
            guard bytes.count - index >= 4 else { throw fail("expected four hex digits after \\u") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("expected four hex digits after \\u")
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; integers of up to 15 digits
        /// are exact in a `Double` and skip the text conversion.
        mutating func number() throws(JSONSyntaxError) -> Double {
            let start = index
            var negative = false
            if bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("expected a digit", at: index) }
            var integer: Int64 = 0
            let integerStart = index
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, isDigit(bytes[index]) { throw fail("a number cannot start with 0", at: start) }
            } else {
                while index < bytes.count, isDigit(bytes[index]) {
                    if index - integerStart < 15 { integer = integer * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
                    index += 1
                }
            }
            var simple = index - integerStart <= 15
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                simple = false
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("expected a digit after '.'") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                simple = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("expected a digit in the exponent") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if simple {
                // -0 stays -0.0, as strtod reads it.
                return negative ? -Double(integer) : Double(integer)
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else { throw fail("the number is out of range", at: start) }
            return value
        }

        func isDigit(_ byte: UInt8) -> Bool {
            byte &- UInt8(ascii: "0") < 10
        }
    }
}
