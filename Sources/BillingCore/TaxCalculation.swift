/// The tax on an amount: its lines, their sum and the note that explains it.
public struct TaxCalculation: Sendable, Hashable {
    /// The amount taxed.
    public var subtotal: Int64
    /// The breakdown; empty when no tax is due.
    public var lines: [TaxLine]
    /// Why this tax (or none) applies.
    public var complianceNote: String
    /// The US state whose yearly threshold this sale counts towards, when it is taxable there.
    public var nexusState: String?

    /// A calculation.
    public init(subtotal: Int64, lines: [TaxLine], complianceNote: String, nexusState: String? = nil) {
        self.subtotal = subtotal
        self.lines = lines
        self.complianceNote = complianceNote
        self.nexusState = nexusState
    }

    /// The tax: the sum of the lines, each already rounded.
    public var taxAmount: Int64 { lines.reduce(0) { $0 + $1.amount } }
    /// The combined rate: the sum of the lines' rates.
    public var taxRate: TaxRate { lines.reduce(.zero) { $0 + $1.rate } }
    /// Subtotal plus tax.
    public var total: Int64 { subtotal + taxAmount }
}
