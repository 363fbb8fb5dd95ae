import Foundation

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
