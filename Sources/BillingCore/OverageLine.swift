import Foundation

/// One metric's overage in a period: how far past the allowance, and what it costs.
public struct OverageLine: Sendable, Hashable {
    /// The metric billed.
    var metric: UsageMetric
    /// The usage billed against the allowance, in stored units (storage: the period's last value).
    var usedUnits: Int64
    /// The plan's allowance for it, in stored units.
    public var allowance: Limit
    /// The usage past the allowance, in stored units (0 within it).
    public var overUnits: Int64
    /// nil when the plan does not bill this metric's overage (it is only reported).
    public var amount: Money?
}
