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

    public enum Aggregation: Sendable {
        /// Every report adds to the period's total (and, for AI requests, the day's).
        case sum
        /// A report states the level now: the period keeps the last value and the maximum.
        case gauge
    }

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

/// One metric's overage in a period: how far past the allowance, and what it costs.
public struct OverageLine: Sendable, Hashable {
    public var metric: UsageMetric
    /// The usage billed against the allowance, in stored units (storage: the period's last value).
    public var usedUnits: Int64
    public var allowance: Limit
    public var overUnits: Int64
    /// nil when the plan does not bill this metric's overage (it is only reported).
    public var amount: Money?
}

/// A share of an allowance that triggers a notice, once per tenant, metric and period.
public enum QuotaThreshold: Int, Sendable, Hashable, CaseIterable, Comparable {
    case warning = 80
    case exceeded = 100

    public static func < (lhs: QuotaThreshold, rhs: QuotaThreshold) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The notification template it sends.
    public var template: String { self == .warning ? "quota_warning" : "quota_exceeded" }
}

/// Overage and quota maths. Money is exact: a price below a cent is kept as it is, and each
/// line is rounded once, half away from zero, on its total.
public enum UsageBilling {
    /// API calls over the allowance at the plan's per-call price; storage over the allowance
    /// at the per-GB price, charged per MB (the GB price ÷ 1,000, exactly) so 1.5 GB over costs
    /// 1.5 × the price; other metrics have no overage price and report their overage only.
    public static func overage(_ metric: UsageMetric, usedUnits: Int64, plan: Plan) -> OverageLine {
        let allowance = metric.allowance(plan.limits)
        let over = allowance.overage(of: usedUnits)
        var amount: Money?
        switch metric {
        case .apiCalls:
            amount = plan.overage.perAPICall?.total(quantity: over)
        case .storageGB:
            if let perGB = plan.overage.perGBStorage {
                let perMB = UnitPrice(scaledMinorUnits: perGB.scaledMinorUnits, scale: perGB.scale + 3, currency: perGB.currency)
                amount = perMB.total(quantity: over)
            }
        case .aiRequests, .userSeats, .concurrentSessions:
            amount = nil
        }
        return OverageLine(metric: metric, usedUnits: usedUnits, allowance: allowance, overUnits: over, amount: amount)
    }

    /// Usage as a percentage of the allowance, in hundredths of a percent (8,050 is 80.50%),
    /// rounded half away from zero; nil when unlimited.
    public static func utilisationBasisPoints(usedUnits: Int64, allowance: Limit) -> Int64? {
        guard case .limited(let limit) = allowance else { return nil }
        guard limit > 0 else { return usedUnits > 0 ? Int64.max : 0 }
        let (quotient, remainder) = (usedUnits * 10_000).quotientAndRemainder(dividingBy: limit)
        return quotient + (remainder * 2 >= limit ? 1 : 0)
    }
}
