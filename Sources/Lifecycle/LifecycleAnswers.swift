import BillingCore
import Foundation
import Hummingbird
import Intake
import Storage

// What the lifecycle routes answer, as JSON.

/// `GET /v1/analytics/mrr`: amounts in cents, rates as percentages with two decimals.
struct MRRAnswer: ResponseEncodable, Sendable {
    var report: MRRReport
    var currency: String
    var startDate: String
    var endDate: String

    enum CodingKeys: String, CodingKey {
        case currency, startDate = "start_date", endDate = "end_date", startMRR = "start_mrr", currentMRR = "current_mrr"
        case newMRR = "new_mrr", expansionMRR = "expansion_mrr", contractionMRR = "contraction_mrr", churnMRR = "churned_mrr"
        case reactivationMRR = "reactivation_mrr", netNewMRR = "net_new_mrr", growthRate = "growth_rate_percent"
        case arrProjection = "arr_projection", byTier = "by_tier", cohorts
    }

    struct Tier: Encodable {
        var mrr: Int64, subscribers: Int, arpu: Int64, churned_subscribers: Int, churn_rate_percent: String
    }

    struct Cohort: Encodable {
        var month: String, initial_customers: Int, retained_customers: Int, retention_rate_percent: String
        var initial_mrr: Int64, current_mrr: Int64, revenue_retention_percent: String
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(currency, forKey: .currency)
        try container.encode(startDate, forKey: .startDate)
        try container.encode(endDate, forKey: .endDate)
        try container.encode(report.startMRR, forKey: .startMRR)
        try container.encode(report.currentMRR, forKey: .currentMRR)
        try container.encode(report.newMRR, forKey: .newMRR)
        try container.encode(report.expansionMRR, forKey: .expansionMRR)
        try container.encode(report.contractionMRR, forKey: .contractionMRR)
        try container.encode(report.churnMRR, forKey: .churnMRR)
        try container.encode(report.reactivationMRR, forKey: .reactivationMRR)
        try container.encode(report.netNewMRR, forKey: .netNewMRR)
        try container.encode(report.growthRatePercent, forKey: .growthRate)
        try container.encode(report.arrProjection, forKey: .arrProjection)
        var tiers: [String: Tier] = [:]
        for tier in report.tiers {
            tiers[tier.tier.rawValue] = Tier(mrr: tier.mrr, subscribers: tier.subscribers, arpu: tier.arpu,
                                             churned_subscribers: tier.churnedSubscribers, churn_rate_percent: tier.churnRatePercent)
        }
        try container.encode(tiers, forKey: .byTier)
        try container.encode(report.cohorts.map {
            Cohort(month: $0.month, initial_customers: $0.initialCustomers, retained_customers: $0.retainedCustomers,
                   retention_rate_percent: $0.retentionRatePercent, initial_mrr: $0.initialMRR, current_mrr: $0.currentMRR,
                   revenue_retention_percent: $0.revenueRetentionPercent)
        }, forKey: .cohorts)
    }
}

/// `GET /v1/tenants/{tenant_id}/commands`.
struct CommandsAnswer: ResponseEncodable, Sendable {
    var commands: [CommandRecord]
}

/// `GET /v1/tenants/{tenant_id}/entitlements`.
struct EntitlementsAnswer: ResponseEncodable, Sendable {
    var tenantID: String
    var subscriptionID: String?
    var tier: PlanTier?
    var status: SubscriptionStatus?
    var serviceState: ServiceState
    var access: AccessLevel
    var features: [String]
    var aiRequests: Bool
    var limits: LimitsAnswer?
    var reason: String
    /// Past the grace period of the tenant's oldest open dunning case (service is still full).
    var paymentOverdue: Bool
    var openDunningCases: Int

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", subscriptionID = "subscription_id", tier, status, serviceState = "service_state", access
        case features, aiRequests = "ai_requests", limits, reason, paymentOverdue = "payment_overdue", openDunningCases = "open_dunning_cases"
    }
}

/// Plan limits, each a number or `"unlimited"`.
struct LimitsAnswer: ResponseEncodable, Sendable {
    var limits: PlanLimits

    init(_ limits: PlanLimits) { self.limits = limits }

    enum CodingKeys: String, CodingKey {
        case users, projects, apiCallsPerPeriod = "api_calls_per_period", storageGB = "storage_gb"
        case aiRequestsPerDay = "ai_requests_per_day", concurrentSessions = "concurrent_sessions"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        func put(_ limit: Limit, _ key: CodingKeys) throws {
            switch limit {
            case .limited(let value): try container.encode(value, forKey: key)
            case .unlimited: try container.encode("unlimited", forKey: key)
            }
        }
        try put(limits.users, .users)
        try put(limits.projects, .projects)
        try put(limits.apiCallsPerPeriod, .apiCallsPerPeriod)
        try put(limits.storageGB, .storageGB)
        try put(limits.aiRequestsPerDay, .aiRequestsPerDay)
        try put(limits.concurrentSessions, .concurrentSessions)
    }
}

/// `GET /v1/tenants/{tenant_id}/subscription` and `GET /v1/subscriptions/{id}`.
struct SubscriptionAnswer: ResponseEncodable, Sendable {
    var tenantID: String?
    var subscription: SubscriptionRecord
    var items: [SubscriptionItemRecord]
    var invoices: [InvoiceRecord]
    var transitions: [TransitionRecord]

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", subscription, items, invoices, transitions
    }
}

/// `GET /v1/tenants/{tenant_id}/proration-preview`: amounts in cents.
struct ProrationAnswer: ResponseEncodable, Sendable {
    var tenantID: String
    var subscriptionID: String
    var fromTier: PlanTier?
    var toTier: PlanTier
    var quantity: Int64
    var currency: String
    var credit: Int64
    var charge: Int64
    var net: Int64
    var at: Date
    var periodStart: Date
    var periodEnd: Date
    var remainingSeconds: Int64

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", subscriptionID = "subscription_id", fromTier = "from_tier", toTier = "to_tier", quantity, currency
        case credit, charge, net, at, periodStart = "period_start", periodEnd = "period_end", remainingSeconds = "remaining_seconds"
    }
}
