

/// Prorating a mid-period change of price or quantity, as Stripe does.
public enum Proration {
    /// What changing from `currentQuantity` units at `current` to `newQuantity` units at `new` at the time `at` costs
    /// for the rest of the period.
    ///
    /// - Parameters:
    ///   - current, new: the price per period of one unit.
    ///   - at: the time of the change, in unix seconds, within `[periodStart, periodEnd]`.
    public static func preview(current: Money, currentQuantity: Int64, new: Money, newQuantity: Int64,
                               periodStart: Int64, periodEnd: Int64, at: Int64) throws(ProrationError) -> ProrationPreview {
        guard periodEnd > periodStart else { throw .invalidPeriod(start: periodStart, end: periodEnd) }
        guard (periodStart...periodEnd).contains(at) else { throw .outsidePeriod(at: at, start: periodStart, end: periodEnd) }
        guard current.currency == new.currency else { throw .currencyMismatch(current: current.currency, new: new.currency) }
        guard currentQuantity >= 0, newQuantity >= 0 else { throw .negativeQuantity }
        let remaining = periodEnd - at
        let total = periodEnd - periodStart
        let credit = -share(of: current.minorUnits * currentQuantity, remaining: remaining, total: total)
        let charge = share(of: new.minorUnits * newQuantity, remaining: remaining, total: total)
        return ProrationPreview(credit: Money(minorUnits: credit, currency: current.currency),
                                charge: Money(minorUnits: charge, currency: current.currency),
                                net: Money(minorUnits: credit + charge, currency: current.currency),
                                remainingSeconds: remaining, periodSeconds: total)
    }

    /// `amount × remaining / total`, exact in 128 bits, rounded once half away from zero.
    static func share(of amount: Int64, remaining: Int64, total: Int64) -> Int64 {
        let product = amount.multipliedFullWidth(by: remaining)
        let (quotient, remainder) = total.dividingFullWidth(product)
        guard remainder.magnitude * 2 >= total.magnitude else { return quotient }
        return quotient + (amount < 0 ? -1 : 1)
    }
}
