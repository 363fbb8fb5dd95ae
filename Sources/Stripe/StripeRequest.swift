import Foundation

/// One call to Stripe's REST API, as a value: what to send, not how.
public struct StripeRequest: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The HTTP method; a GET carries no body.
    public enum Method: String, Sendable, Hashable, Codable { case get = "GET", post = "POST", delete = "DELETE" }

    var method: Method
    /// e.g. `/v1/subscriptions/sub_123`.
    var path: String
    /// Form fields in order, with Stripe's bracket syntax for nesting: `items[0][price]`.
    package var form: [FormField]
    /// Sent as `Idempotency-Key`, so a retried or repeated call has its effect once.
    var idempotencyKey: String?

    /// One `name=value` pair of the form body, unescaped: the request escapes both when it is sent.
    public struct FormField: Sendable, Hashable, Codable {
        var name: String
        var value: String
        /// The field `name` (in Stripe's bracket syntax for nesting, e.g. `items[0][price]`) with `value`.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A call of `method` on `path` (from `/v1/…`) with `form` as the body and, when given, `idempotencyKey`. Calls
    /// with an effect should have a key derived from what caused them, so a redelivery repeats none of it.
    public init(_ method: Method, _ path: String, form: [FormField] = [], idempotencyKey: String? = nil) {
        self.method = method
        self.path = path
        self.form = form
        self.idempotencyKey = idempotencyKey
    }

    /// `application/x-www-form-urlencoded`, every byte outside the unreserved set escaped.
    package var encodedForm: String {
        form.map { "\(Self.escape($0.name))=\(Self.escape($0.value))" }.joined(separator: "&")
    }

    /// `value` (an id from Stripe or a tenant) as one path segment: every byte outside the
    /// unreserved set is percent-encoded, so `pm_1/../customers` cannot reach another endpoint.
    /// Build every path that carries a value with it: `"/v1/invoices/\(StripeRequest.segment(id))/pay"`.
    public static func segment(_ value: String) -> String {
        escape(value)
    }

    /// The method and path, e.g. `POST /v1/invoices/in_1/pay`, for logs; the form is left out.
    public var description: String { "\(method.rawValue) \(path)" }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
