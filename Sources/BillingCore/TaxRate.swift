/// A tax rate as an exact decimal percentage: `7.25` percent is 72,500 parts per million.
/// Rates are written with at most four decimals ("8.875").
public struct TaxRate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The rate in parts per million of the taxed amount: 7.25 % is 72,500.
    public let partsPerMillion: Int64

    /// No tax.
    public static let zero = TaxRate(partsPerMillion: 0)

    /// A rate of `partsPerMillion` ppm.
    package init(partsPerMillion: Int64) { self.partsPerMillion = partsPerMillion }

    /// Parses a percentage such as `"7.25"`, `"19"` or `"8.875"`: 0 to 100 with at most four
    /// decimals.
    public init?(percent text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3,
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(parts[0]) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 4, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else { return nil }
        let padded = fraction + String(repeating: "0", count: 4 - fraction.count)
        let ppm = whole * 10_000 + (Int64(padded) ?? 0)
        guard ppm <= 1_000_000 else { return nil }
        partsPerMillion = ppm
    }

    /// The rate as a percentage number (`8.25`), for JSON answers. Exact for every rate with at
    /// most four decimals as far as a reader of the number can tell.
    public var percent: Double { Double(partsPerMillion) / 10_000 }

    /// `8.25`, `19.00`, `8.875`: at least two decimals, as the guide writes rates.
    public var description: String {
        let whole = partsPerMillion / 10_000
        var fraction = String(partsPerMillion % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }

    /// The tax on `amount` minor units at this rate, rounded half away from zero to the minor unit.
    public func tax(on amount: Int64) -> Int64 {
        let exact = amount.multipliedFullWidth(by: partsPerMillion)
        let (quotient, remainder) = Int64(1_000_000).dividingFullWidth(exact)
        guard remainder.magnitude * 2 >= 1_000_000 else { return quotient }
        return quotient + (remainder < 0 ? -1 : 1)
    }

    /// Two rates added: a state's rate and a local one.
    public static func + (lhs: TaxRate, rhs: TaxRate) -> TaxRate {
        TaxRate(partsPerMillion: lhs.partsPerMillion + rhs.partsPerMillion)
    }

    /// The lower rate first.
    public static func < (lhs: TaxRate, rhs: TaxRate) -> Bool { lhs.partsPerMillion < rhs.partsPerMillion }
}
