import Foundation
import Testing

@testable import BillingCore

@Suite("JSONParser")
struct JSONParserTests {
    func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    func syntaxError(_ bytes: [UInt8]) -> JSONSyntaxError? {
        do throws(JSONSyntaxError) {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func valuesOfEveryKindAreRead() throws {
        let value = try parse(#" { "a" : [ true , false , null , 0 , -0 , 12 , -3.5 , 1e3 , 2E-2 , "x" ] , "b" : { } , "c" : [ ] } "#)
        #expect(value == .object([
            "a": .array([.bool(true), .bool(false), .null, .number(0), .number(-0.0), .number(12), .number(-3.5), .number(1000), .number(0.02), .string("x")]),
            "b": .object([:]), "c": .array([]),
        ]))
        #expect(try parse("\n\t\r 42 \n") == .number(42))
        #expect(try parse(#""top""#) == .string("top"))
    }

    @Test(arguments: [
        ("0", 0.0), ("-0", -0.0), ("7", 7), ("123456789012345", 123_456_789_012_345), ("1234567890123456789", 1_234_567_890_123_456_789),
        ("-9007199254740993", -9_007_199_254_740_993), ("0.1", 0.1), ("1.000000000000000000001", 1), ("2.5e-3", 0.0025), ("1E+2", 100),
        ("-1.7976931348623157e308", -1.797_693_134_862_315_7e308), ("5e-324", 5e-324),
    ])
    func numbersAreTheDoubleStrtodReads(text: String, expected: Double) throws {
        let value = try parse(text)
        #expect(value == .number(expected))
        if case .number(let number) = value { #expect(number.sign == expected.sign) }
    }

    @Test func escapesAndUnicodeAreDecoded() throws {
        #expect(try parse(#""\" \\ \/ \b \f \n \r \t""#) == .string("\" \\ / \u{8} \u{c} \n \r \t"))
        #expect(try parse(#""caf\u00e9 \u00E9 \ud83d\ude00 end""#) == .string("café é 😀 end"))
        #expect(try parse(#""café ✓ 😀""#) == .string("café ✓ 😀"))
        #expect(try parse(#"{"k\u0041y":"v"}"#) == .object(["kAy": "v"]))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
    }

    @Test(arguments: [
        ("", 0, "expected a JSON value, found the end"), ("   ", 3, "expected a JSON value, found the end"),
        ("[1,]", 3, "expected a JSON value"), (#"{"a":1,}"#, 7, "expected a key in quotes"), ("[1,,2]", 3, "expected a JSON value"),
        ("01", 0, "a number cannot start with 0"), ("1.", 2, "expected a digit after '.'"), (".5", 0, "expected a JSON value"),
        ("-", 1, "expected a digit"), ("1e", 2, "expected a digit in the exponent"), ("+1", 0, "expected a JSON value"),
        ("NaN", 0, "expected a JSON value"), ("tru", 0, "expected true"), ("nul", 0, "expected null"),
        (#""abc"#, 0, "the string is not closed"), (#""\x""#, 1, #"unknown escape '\x'"#), (#""\u12""#, 3, #"expected four hex digits after \u"#),
        (#""\ud800""#, 1, "a high surrogate escape must be followed by a low one"),
        (#""\ud800\u0041""#, 1, "a high surrogate escape must be followed by a low one"),
        (#""\udc00""#, 1, "a low surrogate escape without a high one before it"),
        ("\"a\tb\"", 2, "a control character must be escaped inside a string"),
        (#"{"a":1,"a":2}"#, 7, #"duplicate key "a""#), ("1e400", 0, "the number is out of range"),
        ("[1] x", 4, "unexpected bytes after the JSON value"), ("{1:2}", 1, "expected a key in quotes"),
        (#"{"a" 1}"#, 5, "expected ':' after the key"), ("[1 2]", 3, "expected ',' or ']' in the array"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}' in the object"), ("[1", 2, "the array is not closed: expected ',' or ']'"),
        ("\u{FEFF}{}", 0, "expected a JSON value"),
    ])
    func malformedTextIsRefusedAtItsByte(text: String, offset: Int, reason: String) {
        let error = syntaxError(Array(text.utf8))
        #expect(error == JSONSyntaxError(offset: offset, reason: reason))
    }

    @Test(arguments: [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22],
                      [0x22, 0x5C, 0x6E, 0xFF, 0x22]] as [[UInt8]])
    func invalidUTF8IsRefused(bytes: [UInt8]) {
        #expect(syntaxError(bytes)?.reason == "the string is not valid UTF-8")
    }

    @Test func nestingIsLimitedSoHostileInputCannotExhaustTheStack() throws {
        let allowed = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(throws: Never.self) { try parse(allowed) }
        let tooDeep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(syntaxError(Array(tooDeep.utf8))?.reason == "nested deeper than \(JSONParser.maximumDepth) levels")
        let hostile = Array(repeating: UInt8(ascii: "{"), count: 1 << 20)
        #expect(syntaxError(hostile)?.offset == 1)
    }

    @Test func arrayElementsCarryTheBytesTheyCameFrom() throws {
        let text = #" [ {"a": [1, 2]} ,"s" , 3.5e1,null ] "#
        let bytes = Array(text.utf8)
        guard case .array(let elements) = try JSONParser.parseTopLevel(bytes) else {
            Issue.record("an array was not read as one")
            return
        }
        #expect(elements.map(\.value) == [.object(["a": .array([1, 2])]), "s", 35, .null])
        #expect(elements.map { String(decoding: bytes[$0.range], as: UTF8.self) } == [#"{"a": [1, 2]}"#, #""s""#, "3.5e1", "null"])
        #expect(try JSONParser.parseTopLevel(Array("[]".utf8)) == .array([]))
        #expect(try JSONParser.parseTopLevel(Array(#" {"a":1}"#.utf8)) == .value(.object(["a": 1])))
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parseTopLevel(Array("[1,2".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parseTopLevel(Array("[1] [2]".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parseTopLevel(Array("garbage".utf8)) }
    }

    @Test func objectMembersCarryTheBytesTheyCameFrom() throws {
        let bytes = Array(#"{ "q" : 1.250 , "s":"x", "o": {"n": null} }"#.utf8)
        let members = try #require(try JSONParser.parseObjectMembers(bytes))
        #expect(members.mapValues { String(decoding: bytes[$0.range], as: UTF8.self) } == ["q": "1.250", "s": #""x""#, "o": #"{"n": null}"#])
        #expect(members["q"]?.value == 1.25)
        #expect(try JSONParser.parseObjectMembers(Array("[1]".utf8)) == nil)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parseObjectMembers(Array("garbage".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parseObjectMembers(Array(#"{"a":1,"a":1}"#.utf8)) }
    }

    @Test func whatFoundationWritesReadsBackEqual() throws {
        var generator = SplitMix(seed: 7)
        for _ in 0..<500 {
            let value = randomValue(depth: 0, using: &generator)
            let encoded = try JSONEncoder().encode(value)
            #expect(try JSONParser.parse(encoded) == value)
            let foundation = try JSONSerialization.jsonObject(with: encoded, options: .fragmentsAllowed)
            let reEncoded = try JSONSerialization.data(withJSONObject: foundation, options: [.fragmentsAllowed])
            #expect(try JSONParser.parse(reEncoded) == value)
        }
    }

    func randomValue(depth: Int, using generator: inout SplitMix) -> JSONValue {
        switch generator.next() % (depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2:
            let whole = Double(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64))
            return .number(generator.next() % 2 == 0 ? whole : whole / 1024)
        case 3:
            let scalars: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "✓", "😀", "\u{7f}"]
            return .string(String((0..<(generator.next() % 12)).map { _ in scalars[Int(generator.next() % UInt64(scalars.count))] }))
        case 4: return .array((0..<(generator.next() % 5)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<(generator.next() % 5) { members["k\(index)\(generator.next() % 3 == 0 ? "é" : "")"] = randomValue(depth: depth + 1, using: &generator) }
            return .object(members)
        }
    }
}

/// A seeded generator, so a failing case is the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
