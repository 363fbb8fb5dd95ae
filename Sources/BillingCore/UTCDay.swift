/// A calendar day in UTC (proleptic Gregorian), converted to and from unix seconds without
/// Foundation's calendars: exact, and cheap enough for every row.
public struct UTCDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, e.g. 2026.
    let year: Int64
    /// The month, 1 to 12.
    let month: Int64
    /// The day of the month, 1 to 31.
    let day: Int64

    /// Days since 1970-01-01.
    package var daysSinceEpoch: Int64 {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        return era * 146_097 + yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear - 719_468
    }

    /// Unix seconds at the day's start.
    public var startSeconds: Int64 { daysSinceEpoch * 86_400 }

    /// The first day of the day's month.
    public var firstOfMonth: UTCDay { UTCDay(unchecked: year, month, 1) }

    /// `YYYY-MM`.
    package var monthDescription: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    /// `YYYY-MM-DD`.
    public var description: String { "\(monthDescription)-\(day < 10 ? "0" : "")\(day)" }

    /// nil unless the three numbers name a real day.
    public init?(year: Int64, month: Int64, day: Int64) {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let candidate = UTCDay(unchecked: year, month, day)
        guard UTCDay(daysSinceEpoch: candidate.daysSinceEpoch) == candidate else { return nil }  // e.g. 2026-02-30
        self = candidate
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day containing the unix time `seconds`.
    public init(containing seconds: Int64) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        self.init(daysSinceEpoch: days)
    }

    /// The day `days` after 1970-01-01 (before it when negative).
    package init(daysSinceEpoch days: Int64) {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfYear - (153 * mp + 2) / 5 + 1)
    }

    private init(unchecked year: Int64, _ month: Int64, _ day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Earlier days first.
    public static func < (lhs: UTCDay, rhs: UTCDay) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}
