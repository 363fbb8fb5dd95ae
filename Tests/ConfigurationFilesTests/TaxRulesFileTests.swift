import BillingCore
import Foundation
import Testing

@testable import ConfigurationFiles

@Suite("config/tax.yaml")
struct TaxRulesFileTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/tax.yaml").path

    func rate(_ text: String) -> TaxRate { TaxRate(percent: text)! }

    @Test func theProjectsTablesAreTheGuides() throws {
        let rules = try TaxRulesFile.load(path: Self.path)
        #expect(Set(rules.states.keys) == ["CA", "NY", "TX", "WA", "FL"])
        let combined = rules.states.mapValues { $0.stateRate + ($0.defaultLocal?.rate ?? .zero) }
        #expect(combined == ["CA": rate("8.25"), "NY": rate("8.00"), "TX": rate("6.25"), "WA": rate("6.50"), "FL": rate("6.00")])
        #expect(rules.states.mapValues(\.threshold) == ["CA": 50_000, "NY": 30_000, "TX": 50_000, "WA": nil, "FL": nil])
        #expect(rules.vatCountries.mapValues(\.rate) == ["DE": rate("19"), "FR": rate("20"), "GB": rate("20"), "IE": rate("23"),
                                                         "NL": rate("21"), "ES": rate("21"), "IT": rate("22")])
        #expect(rules.reverseChargeThreshold == 10_000)
        #expect(rules.exemptions == [.nonProfit: false, .government: false, .reseller: true])
    }

    /// The guide's "Real-Time Tax Calculation API" example and its invoice example (New York, 8 %).
    @Test func theGuidesExamplesFromTheProjectsTables() throws {
        let engine = TaxEngine(rules: try TaxRulesFile.load(path: Self.path))
        let sanFrancisco = try engine.calculate(TaxRequest(amount: 80_000, currency: .usd, country: "US", state: "CA", city: "San Francisco"))
        #expect(sanFrancisco.taxAmount == 6_600)
        #expect(sanFrancisco.taxRate == rate("8.25"))
        #expect(sanFrancisco.total == 86_600)
        #expect(sanFrancisco.lines.map { [$0.kind.rawValue, $0.rate.description, String($0.amount), $0.jurisdiction] } == [
            ["state_sales_tax", "7.25", "5800", "California State"],
            ["local_sales_tax", "1.00", "800", "San Francisco County"],
        ])
        #expect(sanFrancisco.complianceNote == "California sales tax applies to SaaS subscriptions")

        let newYork = try engine.calculate(TaxRequest(amount: 755_000, currency: .usd, country: "US", state: "NY", city: "New York"))
        #expect(newYork.taxAmount == 60_400)
        #expect(newYork.total == 815_400)
    }

    @Test(arguments: [
        ("us_sales_tax: {states: {CA: {name: California, state_rate: 7.25, compliance_note: n}}}", "us_sales_tax.states.CA.state_rate"),
        ("us_sales_tax: {states: {CA: {name: California, state_rate: \"101\", compliance_note: n}}}", "us_sales_tax.states.CA.state_rate"),
        ("us_sales_tax: {states: {ca: {name: California, state_rate: \"7\", compliance_note: n}}}", "us_sales_tax.states.ca"),
        ("us_sales_tax: {states: {CA: {name: California, state_rate: \"7\"}}}", "us_sales_tax.states.CA.compliance_note"),
        ("us_sales_tax: {states: {CA: {name: California, state_rate: \"7\", compliance_note: n, threshold: -1}}}", "us_sales_tax.states.CA.threshold"),
        ("us_sales_tax: {states: {CA: {name: C, state_rate: \"7\", compliance_note: n, local: {default: {rate: \"1\"}}}}}",
         "us_sales_tax.states.CA.local.default.jurisdiction"),
        ("us_sales_tax: {states: {CA: {name: C, state_rate: \"7\", compliance_note: n, rates: 1}}}", "us_sales_tax.states.CA.rates"),
        ("vat: {countries: {DE: {name: Germany}}}", "vat.countries.DE.rate"),
        ("vat: {countries: {US: {name: USA, rate: \"5\"}}}", "vat.countries.US"),
        ("vat: {place_of_supply: seller_location}", "vat.place_of_supply"),
        ("exemptions: {charity: {certificate_required: true}}", "exemptions.charity"),
    ])
    func aWrongTableNamesItsKey(yaml: String, key: String) {
        #expect {
            _ = try TaxRulesFile.parse(yaml: yaml, file: "tax.yaml")
        } throws: { error in
            (error as? ConfigurationFileError)?.key == key
        }
    }
}
