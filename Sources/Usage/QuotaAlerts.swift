import AMQP
import BillingCore
import ConsumerRuntime
import Foundation
import Intake
import Logging
import Messages
import Storage

/// Announces quota thresholds (80% and 100% of an allowance) once per tenant, metric and
/// window: the store records each alert in the same transaction as the usage that reached
/// it, and the notification request carries a key made of the same, so a request published
/// by a transaction that then rolled back, and published again on its retry, is sent once.
package struct QuotaAlerts: Sendable {
    let plans: PlanCatalog
    let publisher: any EventPublisher
    let now: @Sendable () -> Date

    /// The alerts the windows' totals call for: windows of the current period, a known plan,
    /// a limited allowance.
    static func candidates(_ windows: [UsageWindowState], periods: [String: LiveUsagePeriod], plans: PlanCatalog) -> [UsageAlertRecord] {
        var alerts: [UsageAlertRecord] = []
        for window in windows where window.windowKind != UsageWindow.Kind.late.rawValue {
            guard let metric = UsageMetric(rawValue: window.metric), let tier = periods[window.tenantID]?.tier.flatMap(PlanTier.init(rawValue:))
            else { continue }
            let used = metric.aggregation == .sum ? window.sum : window.last
            for threshold in UsageBilling.thresholdsAtOrAbove(usedUnits: used, allowance: metric.allowance(plans[tier].limits)) {
                alerts.append(UsageAlertRecord(tenantID: window.tenantID, metric: metric.rawValue,
                                               windowEnd: Int64(window.windowEnd.timeIntervalSince1970.rounded()),
                                               threshold: threshold.rawValue, usedUnits: used))
            }
        }
        return alerts
    }

    /// Records the alerts due and publishes a notification request for each one new.
    func announce(_ windows: [UsageWindowState], periods: [String: LiveUsagePeriod], store: UsageStore) async throws -> Int {
        let due = Self.candidates(windows, periods: periods, plans: plans)
        guard !due.isEmpty else { return 0 }
        let new = try await store.recordAlerts(due)
        guard !new.isEmpty else { return 0 }
        var messages: [AMQPMessage] = []
        for alert in new {
            guard let metric = UsageMetric(rawValue: alert.metric), let period = periods[alert.tenantID],
                  let tier = period.tier.flatMap(PlanTier.init(rawValue:)), let threshold = QuotaThreshold(rawValue: alert.threshold)
            else { continue }
            let key = "quota:\(alert.tenantID):\(alert.metric):\(alert.windowEnd):\(alert.threshold)"
            let data = Self.notificationData(metric: metric, usedUnits: alert.usedUnits, plan: plans[tier],
                                             periodEnd: Int64(period.periodEnd.timeIntervalSince1970))
            let request = NotificationRequested(key: key, template: threshold.template, roles: [.billing, .admin], data: data)
            let event = try InternalEvent(id: request.eventID, type: NotificationRequested.eventType, occurredAt: now(),
                                          tenantID: alert.tenantID, payload: request)
            messages.append(try InternalEventMessage.make(event, source: .usage))
        }
        try await publisher.publish(messages)
        return messages.count
    }

    /// What the `quota_warning` and `quota_exceeded` templates read.
    static func notificationData(metric: UsageMetric, usedUnits: Int64, plan: Plan, periodEnd: Int64) -> [String: JSONValue] {
        func quantity(_ units: Int64) -> JSONValue {
            metric.unitsPerQuantity == 1 ? .number(Double(units)) : .number(Double(units) / Double(metric.unitsPerQuantity))
        }
        let allowance = metric.allowance(plan.limits)
        var data: [String: JSONValue] = [
            "metric": .string(metric.rawValue), "metric_label": .string(metric.label), "used": quantity(usedUnits),
            "unit": .string(metric.displayUnit), "period_end": .number(Double(periodEnd)),
        ]
        if case .limited(let limit) = allowance {
            data["limit"] = quantity(limit)
            data["percent"] = .number(Double((UsageBilling.utilisationBasisPoints(usedUnits: usedUnits, allowance: allowance) ?? 0) / 100))
        }
        let price: UnitPrice? = switch metric {
        case .apiCalls: plan.overage.perAPICall
        case .storageGB: plan.overage.perGBStorage
        case .aiRequests, .userSeats, .concurrentSessions: nil
        }
        if let price {
            data["overage_unit_price"] = .string(price.total(quantity: 1).displayText)
            data["overage_unit"] = .string(metric == .apiCalls ? "call" : "GB")
        }
        return data
    }
}

extension UsageMetric {
    /// The unit a notice writes after a quantity.
    var displayUnit: String {
        switch self {
        case .apiCalls: "calls"
        case .storageGB: "GB"
        case .aiRequests: "requests a day"
        case .userSeats: "seats"
        case .concurrentSessions: "sessions"
        }
    }
}
