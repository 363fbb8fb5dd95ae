/// One line of a tax breakdown: a jurisdiction's rate and the tax it adds.
public struct TaxLine: Sendable, Hashable {
    /// What kind of tax the line is, as the API names it.
    public enum Kind: String, Sendable, Hashable {
        case stateSalesTax = "state_sales_tax"
        case localSalesTax = "local_sales_tax"
        case vat
    }

    /// The kind.
    public var kind: Kind
    /// The line's rate.
    public var rate: TaxRate
    /// The tax, in minor units, rounded half away from zero.
    public var amount: Int64
    /// The jurisdiction (`California State`, `San Francisco County`, `Germany`).
    public var jurisdiction: String

    /// A line.
    public init(kind: Kind, rate: TaxRate, amount: Int64, jurisdiction: String) {
        self.kind = kind
        self.rate = rate
        self.amount = amount
        self.jurisdiction = jurisdiction
    }
}
