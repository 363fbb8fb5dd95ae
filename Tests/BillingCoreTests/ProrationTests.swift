import Testing

@testable import BillingCore

@Suite("Proration preview")
struct ProrationTests {
    let start: Int64 = 1_700_000_000
    let thirtyDays: Int64 = 30 * 86_400
    func usd(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

    func preview(from current: Int64, _ currentQuantity: Int64 = 1, to new: Int64, _ newQuantity: Int64 = 1, elapsed: Int64) throws -> ProrationPreview {
        try Proration.preview(current: usd(current), currentQuantity: currentQuantity, new: usd(new), newQuantity: newQuantity,
                              periodStart: start, periodEnd: start + thirtyDays, at: start + elapsed)
    }

    @Test func upgradingTeamToEnterpriseHalfWayThrough() throws {
        let result = try preview(from: 20_000, to: 80_000, elapsed: thirtyDays / 2)
        #expect(result.credit == usd(-10_000))
        #expect(result.charge == usd(40_000))
        #expect(result.net == usd(30_000))
        #expect(result.remainingSeconds == thirtyDays / 2)
    }

    @Test func aThirdOfTheWayThroughEachLineIsRoundedOnce() throws {
        // 2/3 remaining: 200.00 × 2/3 = 133.333… → 133.33; 800.00 × 2/3 = 533.333… → 533.33.
        let result = try preview(from: 20_000, to: 80_000, elapsed: thirtyDays / 3)
        #expect(result.credit == usd(-13_333))
        #expect(result.charge == usd(53_333))
        #expect(result.net == usd(40_000))
    }

    @Test func halfACentRoundsAwayFromZero() throws {
        // 1 cent × 1/2 = 0.5 → 1 (and the credit to -1).
        let result = try Proration.preview(current: usd(1), currentQuantity: 1, new: usd(3), newQuantity: 1,
                                           periodStart: 0, periodEnd: 2, at: 1)
        #expect(result.credit == usd(-1))
        #expect(result.charge == usd(2))  // 3 × 1/2 = 1.5 → 2
    }

    @Test func toTheSecond() throws {
        // 800.00 a month is 80,000 cents per 2,592,000 s, i.e. 1 cent per 32.4 s.
        // 81 s left: 2.5 cents → 3; 80 s left: 2.469… cents → 2. One second changes the line.
        #expect(try preview(from: 20_000, to: 80_000, elapsed: thirtyDays - 81).charge == usd(3))
        #expect(try preview(from: 20_000, to: 80_000, elapsed: thirtyDays - 80).charge == usd(2))
        // One second in: 79,999.969… cents → 80,000; the credit 19,999.992… → 20,000.
        let first = try preview(from: 20_000, to: 80_000, elapsed: 1)
        #expect(first.charge == usd(80_000))
        #expect(first.credit == usd(-20_000))
        #expect(first.remainingSeconds == thirtyDays - 1)
    }

    @Test func downgradesAndQuantityChangesNetNegative() throws {
        let downgrade = try preview(from: 80_000, to: 20_000, elapsed: thirtyDays / 2)
        #expect(downgrade.net == usd(-30_000))
        // Team from 3 seats to 5 seats, a quarter of the way through: (5 − 3) × 200 × 3/4.
        let seats = try preview(from: 20_000, 3, to: 20_000, 5, elapsed: thirtyDays / 4)
        #expect(seats.credit == usd(-45_000))
        #expect(seats.charge == usd(75_000))
        #expect(seats.net == usd(30_000))
    }

    @Test func atTheBoundaries() throws {
        #expect(try preview(from: 20_000, to: 80_000, elapsed: 0).net == usd(60_000))
        #expect(try preview(from: 20_000, to: 80_000, elapsed: thirtyDays).net == usd(0))
    }

    @Test func badInputIsRefused() {
        #expect(throws: ProrationError.outsidePeriod(at: start - 1, start: start, end: start + thirtyDays)) {
            try preview(from: 1, to: 2, elapsed: -1)
        }
        #expect(throws: ProrationError.invalidPeriod(start: 10, end: 10)) {
            try Proration.preview(current: usd(1), currentQuantity: 1, new: usd(1), newQuantity: 1, periodStart: 10, periodEnd: 10, at: 10)
        }
        #expect(throws: ProrationError.currencyMismatch(current: .usd, new: Currency("eur"))) {
            try Proration.preview(current: usd(1), currentQuantity: 1, new: Money(minorUnits: 1, currency: Currency("eur")), newQuantity: 1,
                                  periodStart: 0, periodEnd: 10, at: 5)
        }
        #expect(throws: ProrationError.negativeQuantity) { try preview(from: 1, -1, to: 2, elapsed: 5) }
    }
}
