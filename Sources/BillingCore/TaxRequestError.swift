/// A tax request the engine cannot answer: the caller sent something wrong.
public enum TaxRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The amount is below zero.
    case negativeAmount(Int64)
    /// The exemption's category needs a certificate id and none was given.
    case certificateRequired(TaxExemption.Category)

    /// The field at fault, as the API names it.
    public var field: String {
        switch self {
        case .negativeAmount: "amount"
        case .certificateRequired: "exemption.certificate_id"
        }
    }

    /// What is wrong, for the answer's message.
    public var description: String {
        switch self {
        case .negativeAmount(let amount): "the amount must be 0 or more minor units (got \(amount))"
        case .certificateRequired(let category): "a \(category.rawValue) exemption needs its certificate id"
        }
    }
}
