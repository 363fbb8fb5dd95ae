/// Prices for usage past the plan's allowance; `nil` when that usage is not billed.
public struct OveragePrices: Sendable, Hashable {
    /// The price of one API call past the allowance.
    public var perAPICall: UnitPrice?
    /// The price of one GB of storage past the allowance (charged per MB).
    public var perGBStorage: UnitPrice?

    /// Overage prices; nil leaves that usage unbilled.
    public init(perAPICall: UnitPrice?, perGBStorage: UnitPrice?) {
        self.perAPICall = perAPICall
        self.perGBStorage = perGBStorage
    }
}
