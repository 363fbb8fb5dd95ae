/// A limit that is either a number or explicitly unlimited (never a magic large number).
public enum Limit: Sendable, Hashable {
    case limited(Int64)
    case unlimited

    /// Whether `usage` is within the limit.
    package func allows(_ usage: Int64) -> Bool {
        switch self {
        case .limited(let limit): usage <= limit
        case .unlimited: true
        }
    }

    /// How far `usage` goes past the limit (0 within it, and always 0 when unlimited).
    package func overage(of usage: Int64) -> Int64 {
        switch self {
        case .limited(let limit): max(0, usage - limit)
        case .unlimited: 0
        }
    }
}
