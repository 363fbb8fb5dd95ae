
/// An amount in integer minor units (cents) of one currency. Never a floating-point number.
public struct Money: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The amount in the currency's minor unit (cents; the whole unit for zero-decimal currencies);
    /// negative for credits.
    public var minorUnits: Int64
    /// The amount's currency.
    public var currency: Currency

    /// An amount of `minorUnits` of `currency`.
    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// `12.34 usd`: for logs; ``displayText`` is for people.
    public var description: String {
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = minorUnits.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents) \(currency)"
    }
}
