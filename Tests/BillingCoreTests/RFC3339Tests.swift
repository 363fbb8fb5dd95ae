import Foundation
import Testing

@testable import BillingCore

@Suite("RFC3339")
struct RFC3339Tests {
    @Test(arguments: [
        ("2026-11-24T10:00:00Z", 1_795_514_400.0),
        ("2026-11-24t10:00:00z", 1_795_514_400.0),
        ("2026-11-24T11:30:00+01:30", 1_795_514_400.0),
        ("2026-11-24T05:00:00-05:00", 1_795_514_400.0),
        ("2026-11-24T10:00:00.25Z", 1_795_514_400.25),
        ("2026-11-24T10:00:00.123456789123Z", 1_795_514_400.123_456_789),
        ("1970-01-01T00:00:00Z", 0.0),
        ("1969-12-31T23:59:59Z", -1.0),
        ("2024-02-29T23:59:59+00:00", 1_709_251_199.0),
    ])
    func timesWithAZoneAreTheirInstant(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.date(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test func everySecondOfADayMatchesFoundation() throws {
        let style = Date.ISO8601FormatStyle()
        for seconds in stride(from: 1_795_478_400, to: 1_795_478_400 + 86_400, by: 37) {
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(RFC3339.date(date.formatted(style)) == date)
        }
    }

    @Test(arguments: ["", "2026-11-24", "2026-11-24T10:00:00", "2026-11-24 10:00:00Z", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
                      "2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "2026-11-24T10:00:60Z", "2026-11-24T10:00:00.Z",
                      "2026-11-24T10:00:00+01", "2026-11-24T10:00:00+0100", "2026-11-24T10:00:00+24:00", "2026-11-24T10:00:00Zjunk",
                      "20x6-11-24T10:00:00Z", "yesterday", " 2026-11-24T10:00:00Z"])
    func anythingElseIsRefused(text: String) {
        #expect(RFC3339.date(text) == nil)
    }

    @Test func postgresFormsAreReadOnlyWhenAskedFor() throws {
        for text in ["2026-11-24 10:00:00+00", "2026-11-24T10:00:00+0000", "2026-11-24T11:00:00+01"] {
            #expect(RFC3339.postgresDate(text)?.timeIntervalSince1970 == 1_795_514_400)
            #expect(RFC3339.date(text) == nil)
        }
        #expect(RFC3339.postgresDate("2026-11-24T10:00:00+0") == nil)
    }
}
