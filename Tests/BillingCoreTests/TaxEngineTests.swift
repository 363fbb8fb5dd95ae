import BillingCore
import Testing

@Suite("TaxEngine")
struct TaxEngineTests {
    static let california = TaxRules.State(
        code: "CA", name: "California", stateRate: TaxRate(percent: "7.25")!,
        defaultLocal: TaxRules.Local(jurisdiction: "California Average Local", rate: TaxRate(percent: "1.00")!),
        cities: ["San Francisco": TaxRules.Local(jurisdiction: "San Francisco County", rate: TaxRate(percent: "1.00")!),
                 "Oakland": TaxRules.Local(jurisdiction: "Alameda County", rate: TaxRate(percent: "3.00")!)],
        threshold: 50_000, complianceNote: "California sales tax applies to SaaS subscriptions")
    static let rules = TaxRules(
        states: [california,
                 TaxRules.State(code: "WA", name: "Washington", stateRate: TaxRate(percent: "6.50")!, complianceNote: "WA note")],
        vatCountries: [TaxRules.VATCountry(code: "DE", name: "Germany", rate: TaxRate(percent: "19")!)],
        reverseChargeThreshold: 10_000, exemptions: [.nonProfit: false, .government: false, .reseller: true])
    let engine = TaxEngine(rules: rules)

    func request(_ amount: Int64, _ country: String, state: String? = nil, city: String? = nil) -> TaxRequest {
        TaxRequest(amount: amount, currency: .usd, country: country, state: state, city: city)
    }

    @Test func theGuidesSanFranciscoExample() throws {
        let result = try engine.calculate(request(80_000, "US", state: "CA", city: "San Francisco"))
        #expect(result.subtotal == 80_000)
        #expect(result.taxAmount == 6_600)
        #expect(result.taxRate == TaxRate(percent: "8.25"))
        #expect(result.total == 86_600)
        #expect(result.lines == [
            TaxLine(kind: .stateSalesTax, rate: TaxRate(percent: "7.25")!, amount: 5_800, jurisdiction: "California State"),
            TaxLine(kind: .localSalesTax, rate: TaxRate(percent: "1.00")!, amount: 800, jurisdiction: "San Francisco County"),
        ])
        #expect(result.complianceNote == "California sales tax applies to SaaS subscriptions")
        #expect(result.nexusState == "CA")
    }

    @Test func aCityPicksItsLocalRateAndAnUnlistedCityTheStatesAverage() throws {
        let oakland = try engine.calculate(request(10_000_000, "us", state: "ca", city: " oakland "))
        #expect(oakland.lines.map(\.amount) == [725_000, 300_000])
        #expect(oakland.lines.last?.jurisdiction == "Alameda County")
        let fresno = try engine.calculate(request(10_000_000, "US", state: "CA", city: "Fresno"))
        #expect(fresno.lines.last?.jurisdiction == "California Average Local")
        #expect(fresno.taxAmount == 825_000)
    }

    @Test func belowTheThresholdNoTaxIsCollectedAndTheYearsSalesCountTowardsIt() throws {
        let first = try engine.calculate(request(30_000, "US", state: "CA", city: "San Francisco"), salesThisYear: { _ in 0 })
        #expect(first.taxAmount == 0)
        #expect(first.lines.isEmpty)
        #expect(first.complianceNote.contains("threshold of 50000"))
        #expect(first.nexusState == nil)
        // 19,999 + 30,000 is one cent short; 20,000 + 30,000 reaches it.
        #expect(try engine.calculate(request(30_000, "US", state: "CA"), salesThisYear: { _ in 19_999 }).taxAmount == 0)
        let reached = try engine.calculate(request(30_000, "US", state: "CA"), salesThisYear: { $0 == "CA" ? 20_000 : 0 })
        #expect(reached.taxAmount == 2_175 + 300)
        // A state without a threshold taxes from the first cent and never asks for the year's sales.
        let washington = try engine.calculate(request(1, "US", state: "WA"), salesThisYear: { _ in Issue.record("asked"); return 0 })
        #expect(washington.taxAmount == 0)  // 6.5 % of one cent rounds to 0
        #expect(washington.lines.count == 1)
        #expect(try engine.calculate(request(8, "US", state: "WA")).taxAmount == 1)  // 0.52 rounds up
    }

    @Test func outsideTheTablesTaxIsZeroWithANoteNeverAnError() throws {
        let oregon = try engine.calculate(request(80_000, "US", state: "OR"))
        #expect(oregon.taxAmount == 0)
        #expect(oregon.complianceNote == "No sales tax nexus in OR: no tax collected")
        #expect(try engine.calculate(request(80_000, "US")).complianceNote == "No US state given: no sales tax collected")
        let japan = try engine.calculate(request(80_000, "JP"))
        #expect(japan.taxAmount == 0)
        #expect(japan.complianceNote == "No tax rules for country JP: no tax collected")
    }

    @Test func vatAtTheCustomersLocationAndReverseChargeForABusinessWithAVATID() throws {
        let person = try engine.calculate(request(10_000, "DE"))
        #expect(person.lines == [TaxLine(kind: .vat, rate: TaxRate(percent: "19")!, amount: 1_900, jurisdiction: "Germany")])
        #expect(person.complianceNote.contains("place of supply is the customer's location"))

        var business = request(10_000, "DE")
        business.customerType = .business
        business.taxID = "DE123456789"
        let reverse = try engine.calculate(business)
        #expect(reverse.taxAmount == 0)
        #expect(reverse.complianceNote.hasPrefix("Reverse charge"))
        // Below the threshold, or without a VAT id, the country's rate applies.
        business.amount = 9_999
        #expect(try engine.calculate(business).taxAmount == 1_900)
        business.amount = 10_000
        business.taxID = "  "
        #expect(try engine.calculate(business).taxAmount == 1_900)
    }

    @Test func exemptionsAndAResellerNeedsItsCertificate() throws {
        var exempt = request(80_000, "US", state: "CA")
        exempt.exemption = TaxExemption()
        #expect(try engine.calculate(exempt).taxAmount == 0)
        exempt.exemption = TaxExemption(category: .nonProfit)
        #expect(try engine.calculate(exempt).complianceNote.contains("non_profit"))
        exempt.exemption = TaxExemption(category: .reseller)
        #expect(throws: TaxRequestError.certificateRequired(.reseller)) { try engine.calculate(exempt) }
        exempt.exemption = TaxExemption(category: .reseller, certificateID: "RS-1")
        let reseller = try engine.calculate(exempt)
        #expect(reseller.taxAmount == 0)
        #expect(reseller.complianceNote.contains("certificate RS-1"))
        #expect(throws: TaxRequestError.negativeAmount(-1)) { try engine.calculate(request(-1, "US", state: "CA")) }
    }

    @Test func ratesParseExactlyAndPrintAsTheGuideWritesThem() {
        #expect(TaxRate(percent: "7.25")?.partsPerMillion == 72_500)
        #expect(TaxRate(percent: "8.875")?.partsPerMillion == 88_750)
        #expect(TaxRate(percent: "19")?.description == "19.00")
        #expect(TaxRate(percent: "8.875")?.description == "8.875")
        #expect(TaxRate(percent: "1.00")?.percent == 1)
        for bad in ["", ".5", "5.", "-1", "100.01", "1.23456", "1e2", "٣", "1.2.3"] {
            #expect(TaxRate(percent: bad) == nil, "\(bad)")
        }
    }

    /// For every amount, each line is the exact product rounded half away from zero, the tax is
    /// the sum of the lines and the total the subtotal plus the tax: no cent lost or invented.
    @Test func linesAddUpForEveryAmount() throws {
        var generator = SplitMix64(seed: 0x7A8)
        let cities: [String?] = ["San Francisco", "Oakland", nil]
        var amounts: [Int64] = Array(0...2_000)
        for _ in 0..<20_000 { amounts.append(Int64(generator.next() % 1_000_000_000_000)) }
        for (index, amount) in amounts.enumerated() {
            let result = try engine.calculate(request(amount, "US", state: "CA", city: cities[index % 3]), salesThisYear: { _ in 50_000 })
            var exactSum = 0 as Int64  // in millionths of a cent
            for line in result.lines {
                let (high, low) = amount.multipliedFullWidth(by: line.rate.partsPerMillion)
                let product = Int64(bitPattern: UInt64(low))
                #expect(high == 0 || high == -1)
                // Round half up for a non-negative product: (2p + 10^6) / (2·10^6).
                #expect(line.amount == (2 * product + 1_000_000) / 2_000_000)
                exactSum += product
                #expect(abs(line.amount * 1_000_000 - product) <= 500_000)
            }
            #expect(result.taxAmount == result.lines.reduce(0) { $0 + $1.amount })
            #expect(result.total == amount + result.taxAmount)
            #expect(abs(result.taxAmount * 1_000_000 - exactSum) <= 500_000 * Int64(result.lines.count))
        }
    }
}

/// A small, seeded generator, so a failure repeats.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
