/// Prices for usage past the plan's allowance; `nil` when that usage is not billed.
public struct OveragePrices: Sendable, Hashable {
    public var perAPICall: UnitPrice?
    public var perGBStorage: UnitPrice?

    public init(perAPICall: UnitPrice?, perGBStorage: UnitPrice?) {
        self.perAPICall = perAPICall
        self.perGBStorage = perGBStorage
    }
}
