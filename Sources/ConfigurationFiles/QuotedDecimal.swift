import Yams

/// A decimal amount written in quotes (`"50.00"`, `"0.005"`), so YAML never reads it as a
/// binary floating-point number first; the digits are kept as written.
package struct QuotedDecimal: Decodable, Sendable, ScalarConstructible, ConfigurationValue {
    package var text: String

    package static let expectation = "a decimal amount in quotes, such as \"0.01\""

    package static func construct(from scalar: Node.Scalar) -> QuotedDecimal? {
        guard scalar.style == .singleQuoted || scalar.style == .doubleQuoted else { return nil }
        return QuotedDecimal(text: scalar.string)
    }

    package init(text: String) { self.text = text }

    /// Only Yams' decoder is used, and it constructs the value from its scalar.
    package init(from decoder: any Decoder) throws {
        throw DecodingError.typeMismatch(Self.self, .init(codingPath: decoder.codingPath, debugDescription: Self.expectation))
    }
}
