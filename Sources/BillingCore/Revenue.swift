/// Monthly recurring revenue (MRR) and how it moves.
///
/// A subscription's MRR is its normalised monthly amount: unit price × quantity per item,
/// converted to a month exactly (yearly ÷ 12, weekly × 52 ÷ 12, daily × 365 ÷ 12, and
/// ÷ interval count), with a percentage discount applied, rounded once to the cent (half away
/// from zero). What counts by status: trialing counts 0 (nothing is billed yet, so a trial
/// turning `active` is *new* MRR); active, past-due and unpaid count in full (the customer has
/// not left while dunning tries to collect); paused, canceled, incomplete and expired count 0.
public enum Revenue {
    /// One subscription item's price: what ``monthlyAmount(_:percentOffBasisPoints:)`` normalises.
    public struct Line: Sendable, Hashable {
        /// The price of one unit per interval, in cents (negative for an amount-off discount).
        var unitAmount: Int64
        /// How many units.
        var quantity: Int64
        /// `day`, `week`, `month` or `year`.
        public var interval: String
        /// Intervals per billing period: 3 with `month` is quarterly.
        public var intervalCount: Int64

        /// A line from its price and quantity; one interval per period unless told otherwise.
        public init(unitAmount: Int64, quantity: Int64, interval: String, intervalCount: Int64 = 1) {
            self.unitAmount = unitAmount
            self.quantity = quantity
            self.interval = interval
            self.intervalCount = intervalCount
        }
    }

    /// How a change of counted MRR is classified; the raw value is what the store keeps.
    public enum MovementKind: String, Sendable, Hashable, CaseIterable, Codable {
        case new, expansion, contraction, churn, reactivation
    }

    /// The monthly amount in cents, or nil when a line's interval is not a recurring one.
    /// `percentOffBasisPoints`: 25% is 2500 (Stripe's `percent_off` has at most two decimals).
    public static func monthlyAmount(_ lines: [Line], percentOffBasisPoints: Int64 = 0) -> Int64? {
        // Each line is amount × quantity × periodsPerYear / (12 × intervalCount) cents a month;
        // sum them over one common denominator so nothing is rounded before the end.
        var denominator: Int64 = 12
        for line in lines {
            guard line.intervalCount > 0 else { return nil }
            denominator = lcm(denominator, 12 * line.intervalCount)
        }
        var numerator: Int64 = 0
        for line in lines {
            let perYear: Int64
            switch line.interval {
            case "day": perYear = 365
            case "week": perYear = 52
            case "month": perYear = 12
            case "year": perYear = 1
            default: return nil
            }
            numerator += line.unitAmount * line.quantity * perYear * (denominator / (12 * line.intervalCount))
        }
        let discounted = numerator * (10_000 - min(max(percentOffBasisPoints, 0), 10_000))
        return max(0, roundedDivision(discounted, by: denominator * 10_000))
    }

    /// The MRR a subscription contributes in `status`.
    public static func counted(_ monthly: Int64, status: SubscriptionStatus) -> Int64 {
        switch status {
        case .active, .pastDue, .unpaid: monthly
        case .trialing, .paused, .canceled, .incomplete, .incompleteExpired: 0
        }
    }

    /// The movement from `old` to `new` counted MRR; nil when it did not change.
    /// `hadRevenueBefore`: the customer paid earlier, so coming back is a reactivation.
    public static func movement(from old: Int64, to new: Int64, hadRevenueBefore: Bool) -> MovementKind? {
        switch (old, new) {
        case _ where old == new: nil
        case (0, _): hadRevenueBefore ? .reactivation : .new
        case (_, 0): .churn
        default: new > old ? .expansion : .contraction
        }
    }

    static func roundedDivision(_ value: Int64, by divisor: Int64) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        guard remainder.magnitude * 2 >= divisor.magnitude else { return quotient }
        return quotient + (value < 0 ? -1 : 1)
    }

    static func lcm(_ a: Int64, _ b: Int64) -> Int64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return a / x * b
    }
}
