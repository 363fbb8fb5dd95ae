import BillingCore
import Yams

/// Reads `config/tax.yaml` into ``TaxRules``: decoded into ``Document``, then checked by
/// ``Document/validate(file:)``; errors name the file and the key.
public enum TaxRulesFile {
    /// Reads and checks the tables at `path`.
    public static func load(path: String) throws(ConfigurationFileError) -> TaxRules {
        try YAMLFile.load(Document.self, path: path)
    }

    /// Reads and checks the tables' text; `file` names it in errors.
    package static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> TaxRules {
        try YAMLFile.parse(Document.self, yaml: text, file: file)
    }

    /// The file as written.
    struct Document: ConfigurationDocument {
        var usSalesTax: Strict<USSalesTax>?
        var vat: Strict<VAT>?
        var exemptions: [String: Strict<Exemption>]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case vat, exemptions
            case usSalesTax = "us_sales_tax"
        }
    }

    struct USSalesTax: StrictDecodable {
        var states: [String: Strict<State>]?
        enum CodingKeys: String, CodingKey, CaseIterable { case states }
    }

    struct State: StrictDecodable {
        var name: String?
        var stateRate: QuotedDecimal?
        var local: Strict<LocalRates>?
        var threshold: Int64?
        var complianceNote: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, local, threshold
            case stateRate = "state_rate"
            case complianceNote = "compliance_note"
        }
    }

    struct LocalRates: StrictDecodable {
        var `default`: Strict<Local>?
        var cities: [String: Strict<Local>]?
        enum CodingKeys: String, CodingKey, CaseIterable { case `default`, cities }
    }

    struct Local: StrictDecodable {
        var jurisdiction: String?
        var rate: QuotedDecimal?
        enum CodingKeys: String, CodingKey, CaseIterable { case jurisdiction, rate }
    }

    struct VAT: StrictDecodable {
        var placeOfSupply: String?
        var reverseChargeThreshold: Int64?
        var countries: [String: Strict<Country>]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case countries
            case placeOfSupply = "place_of_supply"
            case reverseChargeThreshold = "reverse_charge_threshold"
        }
    }

    struct Country: StrictDecodable {
        var name: String?
        var rate: QuotedDecimal?
        enum CodingKeys: String, CodingKey, CaseIterable { case name, rate }
    }

    struct Exemption: StrictDecodable {
        var certificateRequired: Bool?
        enum CodingKeys: String, CodingKey, CaseIterable { case certificateRequired = "certificate_required" }
    }
}

extension TaxRulesFile.Document {
    /// The tables the file describes, or the first thing wrong with them.
    func validate(file: String) throws(ConfigurationFileError) -> TaxRules {
        func fail(_ key: String, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        func rate(_ value: QuotedDecimal?, _ key: String) throws(ConfigurationFileError) -> TaxRate {
            guard let text = value?.text, let rate = TaxRate(percent: text) else {
                throw fail(key, "required; a percentage from 0 to 100 in quotes with at most four decimals, such as \"7.25\"")
            }
            return rate
        }
        func code(_ text: String, _ key: String) throws(ConfigurationFileError) -> String {
            guard text.count == 2, text.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw fail(key, "must be a two-letter code in upper case, such as CA or DE")
            }
            return text
        }
        func local(_ entry: Strict<TaxRulesFile.Local>, _ key: String) throws(ConfigurationFileError) -> TaxRules.Local {
            guard let jurisdiction = entry.jurisdiction, !jurisdiction.isEmpty else { throw fail("\(key).jurisdiction", "required") }
            return TaxRules.Local(jurisdiction: jurisdiction, rate: try rate(entry.rate, "\(key).rate"))
        }

        var states: [TaxRules.State] = []
        for (name, entry) in (usSalesTax?.states ?? [:]).sorted(by: { $0.key < $1.key }) {
            let key = "us_sales_tax.states.\(name)"
            let stateCode = try code(name, key)
            guard let stateName = entry.name, !stateName.isEmpty else { throw fail("\(key).name", "required") }
            guard let note = entry.complianceNote, !note.isEmpty else { throw fail("\(key).compliance_note", "required") }
            if let threshold = entry.threshold, threshold < 0 { throw fail("\(key).threshold", "must be 0 or more cents") }
            var cities: [String: TaxRules.Local] = [:]
            for (city, value) in (entry.local?.cities ?? [:]).sorted(by: { $0.key < $1.key }) {
                cities[city] = try local(value, "\(key).local.cities.\(city)")
            }
            let defaultLocal: TaxRules.Local?
            if let value = entry.local?.default { defaultLocal = try local(value, "\(key).local.default") } else { defaultLocal = nil }
            states.append(TaxRules.State(code: stateCode, name: stateName, stateRate: try rate(entry.stateRate, "\(key).state_rate"),
                                         defaultLocal: defaultLocal, cities: cities, threshold: entry.threshold, complianceNote: note))
        }

        var countries: [TaxRules.VATCountry] = []
        for (name, entry) in (vat?.countries ?? [:]).sorted(by: { $0.key < $1.key }) {
            let key = "vat.countries.\(name)"
            let countryCode = try code(name, key)
            if countryCode == "US" { throw fail(key, "US is taxed by us_sales_tax, not VAT") }
            guard let countryName = entry.name, !countryName.isEmpty else { throw fail("\(key).name", "required") }
            countries.append(TaxRules.VATCountry(code: countryCode, name: countryName, rate: try rate(entry.rate, "\(key).rate")))
        }
        if let place = vat?.placeOfSupply, place != "customer_location" {
            throw fail("vat.place_of_supply", "only customer_location is supported (digital services are supplied where the customer is)")
        }
        let reverseCharge = vat?.reverseChargeThreshold ?? 0
        if reverseCharge < 0 { throw fail("vat.reverse_charge_threshold", "must be 0 or more cents") }

        var exemptions: [TaxExemption.Category: Bool] = [:]
        for (name, entry) in (self.exemptions ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let category = TaxExemption.Category(rawValue: name) else {
                throw fail("exemptions.\(name)", "unknown category; expected \(TaxExemption.Category.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            exemptions[category] = entry.certificateRequired ?? false
        }
        return TaxRules(states: states, vatCountries: countries, reverseChargeThreshold: reverseCharge, exemptions: exemptions)
    }
}
