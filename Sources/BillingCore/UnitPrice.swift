/// A price per unit that may be a fraction of a minor unit ($0.005 a call is half a cent), kept
/// exactly as a decimal in minor units and rounded once, on the line total.
public struct UnitPrice: Sendable, Hashable, CustomStringConvertible {
    /// The price in minor units times 10^`scale`: $0.005 is 5 with scale 1 (0.5 cents).
    public let scaledMinorUnits: Int64
    /// Decimals below the minor unit: 0 to 12.
    public let scale: Int
    /// The price's currency.
    let currency: Currency

    /// A price of `scaledMinorUnits` ÷ 10^`scale` minor units.
    init(scaledMinorUnits: Int64, scale: Int, currency: Currency) {
        precondition((0...12).contains(scale), "a unit price has 0 to 12 decimals below the minor unit")
        self.scaledMinorUnits = scaledMinorUnits
        self.scale = scale
        self.currency = currency
    }

    /// Parses a decimal amount in major units, such as `"0.01"`, `"5.00"` or `"0.005"`.
    public init?(decimal text: String, currency: Currency) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0 else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber), fraction.count <= 14 else { return nil }
        // Major units to minor units is two decimal places; the rest is the scale.
        let padded = fraction.count < 2 ? fraction + String(repeating: "0", count: 2 - fraction.count) : fraction
        let scale = padded.count - 2
        guard let digits = Int64(padded) else { return nil }
        var multiplier: Int64 = 1
        for _ in 0..<padded.count { multiplier *= 10 }
        let (wholeScaled, overflow) = whole.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        self.init(scaledMinorUnits: wholeScaled + digits, scale: scale, currency: currency)
    }

    /// `quantity` units, rounded once to the minor unit, half away from zero.
    public func total(quantity: Int64) -> Money {
        var divisor: Int64 = 1
        for _ in 0..<scale { divisor *= 10 }
        let exact = quantity.multipliedFullWidth(by: scaledMinorUnits)
        let (quotient, remainder) = divisor.dividingFullWidth(exact)
        let roundsUp = remainder.magnitude * 2 >= divisor.magnitude
        let rounded = roundsUp ? quotient + (remainder < 0 ? -1 : 1) : quotient
        return Money(minorUnits: rounded, currency: currency)
    }

    /// The price in major units with every decimal kept: `0.005 usd`.
    public var description: String {
        var divisor: Int64 = 1
        for _ in 0..<(scale + 2) { divisor *= 10 }
        let whole = scaledMinorUnits / divisor
        var fraction = String(scaledMinorUnits % divisor)
        while fraction.count < scale + 2 { fraction = "0" + fraction }
        return "\(whole).\(fraction) \(currency)"
    }
}
