/// Why a customer pays no tax: `tax_exempt: true`, or a category with its certificate.
public struct TaxExemption: Sendable, Hashable {
    /// The guide's exempt customers.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        case nonProfit = "non_profit"
        case government
        case reseller
    }

    /// The category, when the request named one.
    public var category: Category?
    /// The exemption certificate's id; a reseller needs one.
    public var certificateID: String?

    /// An exemption.
    public init(category: Category? = nil, certificateID: String? = nil) {
        self.category = category
        self.certificateID = certificateID
    }
}
