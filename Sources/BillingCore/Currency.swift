/// An ISO 4217 currency code, lowercase as Stripe writes it (`usd`).
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: String
    public init(_ code: String) { self.code = code.lowercased() }
    public static let usd = Currency("usd")
    public var description: String { code }
}
