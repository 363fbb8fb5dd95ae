public struct UnknownPrice: Error, Sendable, Hashable, CustomStringConvertible {
    public var priceID: String
    public var reason: String
    public var description: String { "price \(priceID) maps to no plan: \(reason)" }
}
