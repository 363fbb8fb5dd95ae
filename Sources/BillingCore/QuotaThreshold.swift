import Foundation

/// A share of an allowance that triggers a notice, once per tenant, metric and period.
public enum QuotaThreshold: Int, Sendable, Hashable, CaseIterable, Comparable {
    case warning = 80
    case exceeded = 100

    /// Orders thresholds by their percentage.
    public static func < (lhs: QuotaThreshold, rhs: QuotaThreshold) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The notification template it sends.
    public var template: String { self == .warning ? "quota_warning" : "quota_exceeded" }
}
