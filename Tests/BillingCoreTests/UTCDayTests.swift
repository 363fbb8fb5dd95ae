import Testing

@testable import BillingCore

@Suite("UTCDay")
struct UTCDayTests {
    @Test func daysRoundTripThroughUnixSeconds() throws {
        let day = try #require(UTCDay("2026-11-24"))
        #expect(day.startSeconds == 1_795_478_400)
        #expect(UTCDay(containing: 1_795_478_400 + 86_399) == day)
        #expect(UTCDay(containing: 1_795_478_400 - 1).description == "2026-11-23")
        #expect(UTCDay(containing: -1).description == "1969-12-31")
        #expect(day.firstOfMonth.description == "2026-11-01")
        #expect(day.monthDescription == "2026-11")
        for days in stride(from: -800_000 as Int64, to: 800_000, by: 997) {
            #expect(UTCDay(daysSinceEpoch: days).daysSinceEpoch == days)
        }
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01", "2026-01-01T00", "", "2026-04-31"])
    func impossibleOrMalformedDaysAreRefused(text: String) {
        #expect(UTCDay(text) == nil)
    }

    @Test func leapDaysExist() {
        #expect(UTCDay("2024-02-29") != nil)
        #expect(UTCDay("2000-02-29") != nil)
        #expect(UTCDay("1900-02-29") == nil)
    }
}
