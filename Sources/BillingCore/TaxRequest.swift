/// What is taxed and where: the tax calculation API's request, and an invoice's figures.
public struct TaxRequest: Sendable, Hashable {
    /// Who buys: a person (the default) or a business, which a VAT id may reverse-charge.
    public enum CustomerType: String, Sendable, Hashable, CaseIterable {
        case individual, business
    }

    /// The amount taxed, in minor units (≥ 0).
    public var amount: Int64
    /// The amount's currency.
    public var currency: Currency
    /// The customer's two-letter country code (`US`, `DE`).
    public var country: String
    /// The US state's two-letter code, for US addresses.
    public var state: String?
    /// The city, which picks a local rate where one is listed.
    public var city: String?
    /// Person or business.
    public var customerType: CustomerType
    /// The customer's tax id (a VAT id in the EU).
    public var taxID: String?
    /// Present when the customer is exempt.
    public var exemption: TaxExemption?

    /// A request; codes are compared in upper case.
    public init(amount: Int64, currency: Currency, country: String, state: String? = nil, city: String? = nil,
                customerType: CustomerType = .individual, taxID: String? = nil, exemption: TaxExemption? = nil) {
        self.amount = amount
        self.currency = currency
        self.country = country.uppercased()
        self.state = state?.uppercased()
        self.city = city
        self.customerType = customerType
        self.taxID = taxID
        self.exemption = exemption
    }
}
