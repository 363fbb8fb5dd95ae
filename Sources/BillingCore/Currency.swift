/// An ISO 4217 currency code, lowercase as Stripe writes it (`usd`).
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The lowercase code, e.g. `usd`.
    public let code: String
    /// A currency from its code, in any case; it is kept lowercase.
    public init(_ code: String) { self.code = code.lowercased() }
    /// US dollars.
    package static let usd = Currency("usd")
    /// The code as it is kept (`usd`).
    public var description: String { code }
}
