import Testing

@testable import BillingCore

@Suite("Money and unit prices")
struct MoneyTests {
    @Test(arguments: [
        ("50.00", 5000, 0), ("0.01", 1, 0), ("5", 500, 0), ("4.5", 450, 0), ("0.005", 5, 1), ("3.00", 300, 0), ("0.0001", 1, 2),
    ])
    func decimalsParseExactly(text: String, scaled: Int64, scale: Int) throws {
        let price = try #require(UnitPrice(decimal: text, currency: .usd))
        #expect(price.scaledMinorUnits == scaled)
        #expect(price.scale == scale)
    }

    @Test(arguments: ["", "-1.00", "1.2.3", "abc", "1,00", "1.x"])
    func malformedDecimalsAreRefused(_ text: String) {
        #expect(UnitPrice(decimal: text, currency: .usd) == nil)
    }

    @Test func fractionalPricesRoundOnceOnTheLineTotal() throws {
        let halfCent = try #require(UnitPrice(decimal: "0.005", currency: .usd))
        // 3 calls at $0.005 = 1.5 cents: rounded once, half away from zero, to 2 cents.
        #expect(halfCent.total(quantity: 3) == Money(minorUnits: 2, currency: .usd))
        #expect(halfCent.total(quantity: 1_000_001) == Money(minorUnits: 500_001, currency: .usd))  // 5000.005 → 5000.01
        #expect(halfCent.total(quantity: 0) == Money(minorUnits: 0, currency: .usd))
        // Rounding per unit would have given 3 × 1 = 3 cents (or 0): once is exact.
        let cent = try #require(UnitPrice(decimal: "0.01", currency: .usd))
        #expect(cent.total(quantity: 12_345) == Money(minorUnits: 12_345, currency: .usd))
        let fiveDollars = try #require(UnitPrice(decimal: "5.00", currency: .usd))
        #expect(fiveDollars.total(quantity: 3) == Money(minorUnits: 1500, currency: .usd))
    }

    @Test func moneyPrintsInMajorUnits() {
        #expect(Money(minorUnits: 5000, currency: .usd).description == "50.00 usd")
        #expect(Money(minorUnits: 7, currency: .usd).description == "0.07 usd")
        #expect(Money(minorUnits: -1205, currency: .usd).description == "-12.05 usd")
        #expect(UnitPrice(decimal: "0.005", currency: .usd)!.description == "0.005 usd")
    }

    @Test func limitsAreExplicitlyUnlimitedNotLarge() {
        #expect(Limit.limited(10_000).allows(10_000))
        #expect(!Limit.limited(10_000).allows(10_001))
        #expect(Limit.limited(10_000).overage(of: 10_001) == 1)
        #expect(Limit.limited(10_000).overage(of: 9_000) == 0)
        #expect(Limit.unlimited.allows(.max))
        #expect(Limit.unlimited.overage(of: .max) == 0)
    }
}
