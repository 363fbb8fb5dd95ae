import Foundation

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

extension UsageBilling {
    /// The thresholds a window's usage is at or above now (each is announced once: the store
    /// remembers which were).
    public static func thresholdsAtOrAbove(usedUnits: Int64, allowance: Limit) -> [QuotaThreshold] {
        guard case .limited(let limit) = allowance, limit > 0 else { return [] }
        return QuotaThreshold.allCases.filter { threshold in
            usedUnits.multipliedReportingOverflow(by: 100).partialValue >= limit.multipliedReportingOverflow(by: Int64(threshold.rawValue)).partialValue
        }
    }
}
