import Foundation

/// RFC 3339 date-times, `2026-11-24T12:00:00Z` or `2026-11-24T13:00:00.250+01:00`, read without
/// Foundation's formatters (which cost more than the rest of an event's handling). One rule for
/// the intake that checks an event and every consumer that reads it.
public enum RFC3339 {
    /// The time `text` names; nil unless it is a full RFC 3339 date-time with a zone (`Z` or
    /// `±HH:MM`). Fractions of a second are kept to the nanosecond; leap seconds are refused.
    public static func date(_ text: some StringProtocol) -> Date? {
        var text = String(text)
        return text.withUTF8 { bytes in date(utf8: bytes, postgres: false) }
    }

    /// PostgreSQL's output as well: a space for the `T`, and offsets `+HH` or `+HHMM`.
    package static func postgresDate(_ text: some StringProtocol) -> Date? {
        var text = String(text)
        return text.withUTF8 { bytes in date(utf8: bytes, postgres: true) }
    }

    static func date(utf8 bytes: UnsafeBufferPointer<UInt8>, postgres: Bool) -> Date? {
        var index = 0
        func digits(_ count: Int) -> Int64? {
            guard bytes.count - index >= count else { return nil }
            var value: Int64 = 0
            for _ in 0..<count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
                index += 1
            }
            return value
        }
        func expect(_ characters: UInt8...) -> Bool {
            guard index < bytes.count, characters.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")), let day = digits(2),
              expect(UInt8(ascii: "T"), UInt8(ascii: "t")) || (postgres && expect(UInt8(ascii: " "))),
              let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")), let second = digits(2),
              let date = UTCDay(year: year, month: month, day: day), hour < 24, minute < 60, second < 60 else { return nil }
        var nanoseconds: Int64 = 0
        if expect(UInt8(ascii: ".")) {
            var count = 0
            while index < bytes.count, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
                if count < 9 { nanoseconds = nanoseconds * 10 + Int64(digit) }
                count += 1
                index += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<max(count, 9) { nanoseconds *= 10 }
        }
        var offset: Int64 = 0
        if !expect(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
            guard index < bytes.count else { return nil }
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard expect(UInt8(ascii: "+"), UInt8(ascii: "-")), let hours = digits(2) else { return nil }
            var minutes: Int64 = 0
            if postgres, index == bytes.count {
                minutes = 0
            } else {
                let colon = expect(UInt8(ascii: ":"))
                guard colon || postgres, let parsed = digits(2) else { return nil }
                minutes = parsed
            }
            guard hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
        let seconds = date.startSeconds + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1_000_000_000)
    }
}
