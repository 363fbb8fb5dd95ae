/// Amounts and times written for people (emails, webhooks): money with its currency, times in
/// UTC with the zone stated.

extension Currency {
    /// Stripe's zero-decimal currencies: an amount's minor unit is the whole unit.
    static let zeroDecimal: Set<String> = [
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    ]

    /// Symbols written before the amount; other currencies are written after it by code.
    static let prefixSymbols: [String: String] = ["usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"]
}

extension Money {
    /// `$1,234.56`, `€80.00`, `£5.00`, `¥800`, `-$3.00`; currencies without a symbol here
    /// by code after the amount: `1,234.56 CHF`.
    public var displayText: String {
        let zeroDecimal = Currency.zeroDecimal.contains(currency.code)
        let magnitude = minorUnits.magnitude
        let whole = zeroDecimal ? magnitude : magnitude / 100
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        grouped = digits + grouped
        if !zeroDecimal {
            let cents = magnitude % 100
            grouped += ".\(cents < 10 ? "0" : "")\(cents)"
        }
        let sign = minorUnits < 0 ? "-" : ""
        if let symbol = Currency.prefixSymbols[currency.code] { return "\(sign)\(symbol)\(grouped)" }
        return "\(sign)\(grouped) \(currency.code.uppercased())"
    }
}

/// Unix times written for people, always in UTC and saying so.
public enum UTCDisplay {
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]

    /// `25 November 2026, 14:05 UTC`.
    public static func dateTime(_ seconds: Int64) -> String {
        "\(date(seconds)), \(clock(seconds).prefix(5)) UTC"
    }

    /// `25 November 2026`: the day in UTC.
    public static func date(_ seconds: Int64) -> String {
        let day = UTCDay(containing: seconds)
        return "\(day.day) \(monthNames[Int(day.month) - 1]) \(day.year)"
    }

    /// `2026-11-25T14:05:09Z`.
    public static func rfc3339(_ seconds: Int64) -> String {
        "\(UTCDay(containing: seconds))T\(clock(seconds))Z"
    }

    /// `Wed, 25 Nov 2026 14:05:09 +0000` (an email's Date header).
    public static func rfc5322(_ seconds: Int64) -> String {
        let day = UTCDay(containing: seconds)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let weekday = weekdays[Int(((day.daysSinceEpoch % 7) + 7) % 7)]
        return "\(weekday), \(day.day) \(monthNames[Int(day.month) - 1].prefix(3)) \(day.year) \(clock(seconds)) +0000"
    }

    /// `14:05:09`: the time of day in UTC.
    static func clock(_ seconds: Int64) -> String {
        let second = ((seconds % 86_400) + 86_400) % 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(second / 3_600)):\(two(second % 3_600 / 60)):\(two(second % 60))"
    }
}
