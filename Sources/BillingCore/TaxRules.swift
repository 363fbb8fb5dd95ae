import Foundation

/// The tax tables: US sales tax by nexus state and EU VAT by country, from `config/tax.yaml`.
/// Pure data; ``TaxEngine`` applies it.
public struct TaxRules: Sendable, Hashable {
    /// A US state where the seller has sales-tax nexus.
    public struct State: Sendable, Hashable {
        /// The two-letter code, upper case (`CA`).
        public var code: String
        /// The name used in breakdowns and notes (`California`).
        public var name: String
        /// The state's own rate.
        public var stateRate: TaxRate
        /// The local rate where no city is listed, if the state has local taxes.
        public var defaultLocal: Local?
        /// Local rates by city, keyed by the city's name in lower case.
        public var cities: [String: Local]
        /// Taxable sales into the state in a calendar year (minor units) from which tax is
        /// collected; nil collects from the first cent.
        public var threshold: Int64?
        /// The note given with a taxed answer (`California sales tax applies to SaaS subscriptions`).
        public var complianceNote: String

        /// A state's rules.
        public init(code: String, name: String, stateRate: TaxRate, defaultLocal: Local? = nil, cities: [String: Local] = [:],
                    threshold: Int64? = nil, complianceNote: String) {
            self.code = code
            self.name = name
            self.stateRate = stateRate
            self.defaultLocal = defaultLocal
            self.cities = Dictionary(uniqueKeysWithValues: cities.map { ($0.key.lowercased(), $0.value) })
            self.threshold = threshold
            self.complianceNote = complianceNote
        }

        /// The local tax for an address in `city`: the city's own, else the state's default.
        public func local(city: String?) -> Local? {
            city.flatMap { cities[$0.trimmingCharacters(in: .whitespaces).lowercased()] } ?? defaultLocal
        }
    }

    /// A local sales tax: its jurisdiction's name and rate.
    public struct Local: Sendable, Hashable {
        /// The jurisdiction shown in the breakdown (`San Francisco County`).
        public var jurisdiction: String
        /// Its rate.
        public var rate: TaxRate

        /// A local tax.
        public init(jurisdiction: String, rate: TaxRate) {
            self.jurisdiction = jurisdiction
            self.rate = rate
        }
    }

    /// A country charging VAT at the customer's location.
    public struct VATCountry: Sendable, Hashable {
        /// The two-letter ISO code, upper case (`DE`).
        public var code: String
        /// Its name (`Germany`).
        public var name: String
        /// The standard rate.
        public var rate: TaxRate

        /// A VAT country.
        public init(code: String, name: String, rate: TaxRate) {
            self.code = code
            self.name = name
            self.rate = rate
        }
    }

    /// Nexus states by upper-case code.
    public var states: [String: State]
    /// VAT countries by upper-case code.
    public var vatCountries: [String: VATCountry]
    /// The smallest amount (minor units) reverse-charged to a business with a VAT id.
    public var reverseChargeThreshold: Int64
    /// The exemption categories and whether each needs a certificate id.
    public var exemptions: [TaxExemption.Category: Bool]

    /// The tables.
    public init(states: [State], vatCountries: [VATCountry], reverseChargeThreshold: Int64,
                exemptions: [TaxExemption.Category: Bool]) {
        self.states = Dictionary(uniqueKeysWithValues: states.map { ($0.code, $0) })
        self.vatCountries = Dictionary(uniqueKeysWithValues: vatCountries.map { ($0.code, $0) })
        self.reverseChargeThreshold = reverseChargeThreshold
        self.exemptions = exemptions
    }
}
