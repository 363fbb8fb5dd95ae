/// How much of the product a tenant may use.
public enum AccessLevel: String, Sendable, Hashable, Codable, Comparable {
    case none
    case readOnly = "read_only"
    case full

    static let order: [AccessLevel] = [.none, .readOnly, .full]
    /// Orders the levels by how much they allow: `none` < `readOnly` < `full`.
    public static func < (lhs: Self, rhs: Self) -> Bool { order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)! }
}
