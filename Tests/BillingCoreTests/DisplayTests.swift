import BillingCore
import Testing

@Suite struct DisplayTests {
    @Test(arguments: [
        (80_000, "usd", "$800.00"), (123_456_789, "usd", "$1,234,567.89"), (5, "eur", "€0.05"), (-300, "usd", "-$3.00"),
        (1_000, "gbp", "£10.00"), (800, "jpy", "¥800"), (1_234_567, "krw", "1,234,567 KRW"), (99_950, "chf", "999.50 CHF"),
        (0, "usd", "$0.00"),
    ])
    func moneyIsWrittenWithItsCurrency(minorUnits: Int64, currency: String, expected: String) {
        #expect(Money(minorUnits: minorUnits, currency: Currency(currency)).displayText == expected)
    }

    @Test func timesAreWrittenInUTCAndSaySo() {
        #expect(UTCDisplay.dateTime(1_764_000_000) == "24 November 2025, 16:00 UTC")
        #expect(UTCDisplay.date(1_764_000_000) == "24 November 2025")
        #expect(UTCDisplay.dateTime(0) == "1 January 1970, 00:00 UTC")
        // The last second of a leap day.
        #expect(UTCDisplay.dateTime(1_709_251_199) == "29 February 2024, 23:59 UTC")
        #expect(UTCDisplay.rfc3339(1_709_251_199) == "2024-02-29T23:59:59Z")
        #expect(UTCDisplay.rfc3339(1_764_000_000) == "2025-11-24T16:00:00Z")
        #expect(UTCDisplay.rfc5322(1_795_600_000) == "Wed, 25 Nov 2026 09:46:40 +0000")
    }
}
