import Foundation

/// What the platform meters. Quantities are kept as whole numbers of the metric's smallest
/// unit, so nothing is ever a float: calls, requests, seats and sessions as they are; storage
/// in MB (1 GB = 1,000 MB), so a reported `1.5` GB is exactly 1,500.
public enum UsageMetric: String, Sendable, Hashable, CaseIterable, Codable {
    case apiCalls = "api_calls"
    case storageGB = "storage_gb"
    case aiRequests = "ai_requests"
    case userSeats = "user_seats"
    case concurrentSessions = "concurrent_sessions"

    /// How a metric's reports combine within a window.
    public enum Aggregation: Sendable {
        /// Every report adds to the period's total (and, for AI requests, the day's).
        case sum
        /// A report states the level now: the period keeps the last value and the maximum.
        case gauge
    }

    /// Whether reports of this metric add up (API calls, AI requests) or state a level (storage, seats, sessions).
    public var aggregation: Aggregation {
        switch self {
        case .apiCalls, .aiRequests: .sum
        case .storageGB, .userSeats, .concurrentSessions: .gauge
        }
    }

    /// Stored units per reported unit: 1,000 MB per GB for storage, 1 otherwise.
    public var unitsPerQuantity: Int64 { self == .storageGB ? 1_000 : 1 }

    /// The stored units of a reported quantity: a non-negative whole number, or for storage up
    /// to three decimals (a megabyte). nil for anything else, which the consumer refuses.
    public func units(of quantity: Decimal) -> Int64? {
        guard quantity >= 0 else { return nil }
        var scaled = quantity * Decimal(unitsPerQuantity)
        var whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .plain)
        guard whole == scaled, whole <= Decimal(Int64.max / 2) else { return nil }
        return NSDecimalNumber(decimal: whole).int64Value
    }

    /// The plan's allowance in stored units; AI requests' is per UTC day, the others per period
    /// (seats and sessions at any moment).
    public func allowance(_ limits: PlanLimits) -> Limit {
        let limit: Limit = switch self {
        case .apiCalls: limits.apiCallsPerPeriod
        case .storageGB: limits.storageGB
        case .aiRequests: limits.aiRequestsPerDay
        case .userSeats: limits.users
        case .concurrentSessions: limits.concurrentSessions
        }
        guard case .limited(let value) = limit else { return .unlimited }
        return .limited(value * unitsPerQuantity)
    }

    /// For people: "API calls", "storage", …
    public var label: String {
        switch self {
        case .apiCalls: "API calls"
        case .storageGB: "storage"
        case .aiRequests: "AI requests"
        case .userSeats: "user seats"
        case .concurrentSessions: "concurrent sessions"
        }
    }
}
