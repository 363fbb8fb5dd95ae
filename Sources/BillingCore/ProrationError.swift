/// Why a proration cannot be computed from its inputs.
public enum ProrationError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidPeriod(start: Int64, end: Int64)
    case outsidePeriod(at: Int64, start: Int64, end: Int64)
    case currencyMismatch(current: Currency, new: Currency)
    case negativeQuantity

    /// What is wrong with the inputs, for people.
    public var description: String {
        switch self {
        case .invalidPeriod(let start, let end): "the period \(start)–\(end) is empty or reversed"
        case .outsidePeriod(let at, let start, let end): "the change time \(at) is outside the period \(start)–\(end)"
        case .currencyMismatch(let a, let b): "the prices are in different currencies (\(a), \(b))"
        case .negativeQuantity: "quantities cannot be negative"
        }
    }
}
