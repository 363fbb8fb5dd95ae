import BillingCore
import ConfigurationFiles
import Foundation
import Mustache

/// The values a template sees, built from a request's data; derived fields are added so
/// templates never compute: every amount `X` (a key `amount…` or `…_amount`, in minor units of
/// the data's `currency`) gains `X_display` (`$1,234.56`); every time `X` (a key ending in
/// `_at`, `_end` or `_start`, unix seconds) gains `X_display` (`25 November 2026, 14:05 UTC`)
/// and `X_date` (`25 November 2026`).
package enum TemplateValues {
    package static func make(data: [String: JSONValue], brand: Branding, extra: [String: Any]) -> [String: Any] {
        var values: [String: Any] = [:]
        for (key, value) in data { values[key] = plain(value) }
        let currency = Currency((data["currency"]?.stringValue) ?? "usd")
        for (key, value) in data {
            guard case .number(let number) = value, number.rounded() == number, abs(number) < 9e15 else { continue }
            let whole = Int64(number)
            if key.hasPrefix("amount") || key.hasSuffix("_amount") {
                values["\(key)_display"] = Money(minorUnits: whole, currency: currency).displayText
            } else if key.hasSuffix("_at") || key.hasSuffix("_end") || key.hasSuffix("_start") {
                values["\(key)_display"] = UTCDisplay.dateTime(whole)
                values["\(key)_date"] = UTCDisplay.date(whole)
            }
        }
        values["currency_code"] = currency.code.uppercased()
        values["brand"] = TemplateObject(fields: brand.templateValues)
        values.merge(extra) { $1 }
        return values
    }

    static func plain(_ value: JSONValue) -> Any {
        switch value {
        case .string(let text): text
        case .number(let number): number.rounded() == number && abs(number) < 9e15 ? Int64(number) as Any : number as Any
        case .bool(let flag): flag
        case .array(let items): items.map(plain)
        case .object(let fields): TemplateObject(fields: fields.mapValues(plain))
        case .null: NSNull()  // present and empty: renders nothing, and is not a missing variable
        }
    }
}
