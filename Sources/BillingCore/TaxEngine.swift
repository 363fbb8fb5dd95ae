import Foundation

/// Computes the tax on an amount from the ``TaxRules``: US sales tax in nexus states (state
/// plus local, once the year's sales reach the state's threshold), VAT at the customer's
/// location with reverse charge for businesses, exemptions. Each line is rounded half away
/// from zero; the tax is the sum of the lines, so no cent is lost or invented.
public struct TaxEngine: Sendable {
    /// The tables.
    public let rules: TaxRules

    /// An engine over `rules`.
    public init(rules: TaxRules) { self.rules = rules }

    /// The tax on `request`. `salesThisYear` gives the seller's taxable sales into a US state in
    /// the current calendar year so far (minor units, not counting this amount); it is asked
    /// only for a state with a threshold.
    public func calculate(_ request: TaxRequest, salesThisYear: (String) -> Int64 = { _ in 0 }) throws(TaxRequestError) -> TaxCalculation {
        guard request.amount >= 0 else { throw .negativeAmount(request.amount) }
        let amount = request.amount
        func none(_ note: String) -> TaxCalculation { TaxCalculation(subtotal: amount, lines: [], complianceNote: note) }

        if let exemption = request.exemption {
            if let category = exemption.category, rules.exemptions[category] == true,
               exemption.certificateID.map({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) ?? true {
                throw .certificateRequired(category)
            }
            let what = exemption.category.map { " (\($0.rawValue)" + (exemption.certificateID.map { ", certificate \($0))" } ?? ")") } ?? ""
            return none("The customer is exempt from tax\(what): no tax collected")
        }

        if request.country == "US" {
            guard let code = request.state, !code.isEmpty else { return none("No US state given: no sales tax collected") }
            guard let state = rules.states[code] else { return none("No sales tax nexus in \(code): no tax collected") }
            if let threshold = state.threshold {
                let sales = salesThisYear(code)
                // `sales < threshold - amount`: the same as `sales + amount < threshold`, without an overflow.
                if sales < threshold - amount {
                    return none("Sales into \(state.name) this calendar year (\(sales) before this amount of \(amount)) are below "
                                + "its threshold of \(threshold): no sales tax collected yet")
                }
            }
            var lines = [TaxLine(kind: .stateSalesTax, rate: state.stateRate, amount: state.stateRate.tax(on: amount),
                                 jurisdiction: "\(state.name) State")]
            if let local = state.local(city: request.city), local.rate > .zero {
                lines.append(TaxLine(kind: .localSalesTax, rate: local.rate, amount: local.rate.tax(on: amount), jurisdiction: local.jurisdiction))
            }
            return TaxCalculation(subtotal: amount, lines: lines, complianceNote: state.complianceNote, nexusState: code)
        }

        guard let country = rules.vatCountries[request.country] else {
            return none("No tax rules for country \(request.country.isEmpty ? "(none given)" : request.country): no tax collected")
        }
        let vatID = request.taxID?.trimmingCharacters(in: .whitespaces) ?? ""
        if request.customerType == .business, !vatID.isEmpty, amount >= rules.reverseChargeThreshold {
            return none("Reverse charge: the business customer (VAT id \(vatID)) accounts for \(country.name) VAT; no VAT charged")
        }
        let line = TaxLine(kind: .vat, rate: country.rate, amount: country.rate.tax(on: amount), jurisdiction: country.name)
        return TaxCalculation(subtotal: amount, lines: [line],
                              complianceNote: "\(country.name) VAT at \(country.rate)% applies: the place of supply is the customer's location")
    }
}
