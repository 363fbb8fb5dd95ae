import BillingCore
import Foundation
import Intake
import Storage

/// The lifecycle's operator endpoints:
///
/// - `GET /v1/tenants/{tenant_id}/entitlements`: what the tenant may use now.
/// - `GET /v1/tenants/{tenant_id}/subscription`: its current subscription, items, invoices and
///   transition history.
/// - `GET /v1/subscriptions/{stripe_subscription_id}`: the same for one subscription.
/// - `GET /v1/tenants/{tenant_id}/proration-preview?plan=…[&quantity=…][&at=…]`: what an
///   immediate change to `plan` would credit and charge.
/// - `GET /v1/tenants/{tenant_id}/commands`: its plan changes, cancellations and reactivations,
///   newest first, with their outcome.
/// - `GET /v1/analytics/mrr?start_date=…&end_date=…`: the revenue report.
public struct LifecycleRoutes: Sendable {
    let queries: LifecycleQueries
    let plans: PlanCatalog
    let dunning: DunningPolicy
    let daySeconds: Int64
    let now: @Sendable () -> Date

    public init(queries: LifecycleQueries, plans: PlanCatalog, dunning: DunningPolicy = .seed, daySeconds: Int64 = 86_400,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.queries = queries
        self.plans = plans
        self.dunning = dunning
        self.daySeconds = daySeconds
        self.now = now
    }

    public var routes: [OperatorRoute] {
        [
            OperatorRoute("v1/tenants/:tenant_id/entitlements") { request in try await entitlements(tenantID: try request.parameter("tenant_id")) },
            OperatorRoute("v1/tenants/:tenant_id/subscription") { request in
                let tenant = try request.parameter("tenant_id")
                guard let subscription = try await queries.currentSubscription(tenantID: tenant) else {
                    throw OperatorError.notFound("tenant \(tenant) has no subscription")
                }
                return try await details(subscription, tenantID: tenant)
            },
            OperatorRoute("v1/subscriptions/:subscription_id") { request in
                let id = try request.parameter("subscription_id")
                guard let subscription = try await queries.subscription(id: id) else { throw OperatorError.notFound("no subscription \(id)") }
                return try await details(subscription, tenantID: try await queries.tenant(of: subscription))
            },
            OperatorRoute("v1/tenants/:tenant_id/proration-preview") { request in
                try await prorationPreview(tenantID: try request.parameter("tenant_id"), query: request.query)
            },
            OperatorRoute("v1/analytics/mrr") { request in try await mrr(query: request.query) },
            OperatorRoute("v1/tenants/:tenant_id/commands") { request in
                CommandsAnswer(commands: try await queries.commands(tenantID: try request.parameter("tenant_id")))
            },
        ]
    }

    func entitlements(tenantID: String) async throws -> EntitlementsAnswer {
        let subscription = try await queries.currentSubscription(tenantID: tenantID)
        if subscription == nil, try await queries.account(tenantID: tenantID) == nil {
            throw OperatorError.notFound("no billing account or subscription for tenant \(tenantID)")
        }
        let serviceState = try await queries.serviceState(tenantID: tenantID)
        let plan = subscription?.tier.map { plans[$0] }
        var computed = Entitlements.compute(plan: plan, status: subscription?.status, serviceState: serviceState,
                                            restrictions: plans.restrictions)
        let openCases = try await queries.openDunningCases(tenantID: tenantID)
        let overdue = DunningCases.paymentOverdue(openCases: openCases, now: Int64(now().timeIntervalSince1970), policy: dunning,
                                                  daySeconds: daySeconds)
        if let subscription, subscription.tier == nil {
            computed.reason = "subscription price \(subscription.priceID ?? "?") maps to no plan; configure price_map in config/plans.yaml"
        }
        return EntitlementsAnswer(
            tenantID: tenantID, subscriptionID: subscription?.stripeSubscriptionID, tier: computed.tier, status: subscription?.status,
            serviceState: serviceState, access: computed.access, features: computed.features.sorted(), aiRequests: computed.aiRequests,
            limits: computed.limits.map(LimitsAnswer.init), reason: computed.reason, paymentOverdue: overdue,
            openDunningCases: openCases.count)
    }

    func details(_ subscription: SubscriptionRecord, tenantID: String?) async throws -> SubscriptionAnswer {
        let id = subscription.stripeSubscriptionID
        return SubscriptionAnswer(tenantID: tenantID, subscription: subscription, items: try await queries.items(subscriptionID: id),
                                  invoices: try await queries.invoices(subscriptionID: id),
                                  transitions: try await queries.transitions(subscriptionID: id))
    }

    func prorationPreview(tenantID: String, query: [String: String]) async throws -> ProrationAnswer {
        guard let name = query["plan"], let tier = PlanTier(rawValue: name) else {
            throw OperatorError.badRequest("plan must be developer, team or enterprise")
        }
        guard let subscription = try await queries.currentSubscription(tenantID: tenantID) else {
            throw OperatorError.notFound("tenant \(tenantID) has no subscription")
        }
        let items = try await queries.items(subscriptionID: subscription.stripeSubscriptionID)
        guard let item = items.first, let unitAmount = item.unitAmount, let start = subscription.currentPeriodStart,
              let end = subscription.currentPeriodEnd else {
            throw OperatorError(status: 409, code: "no_current_period", reason: "the subscription has no priced item or current period")
        }
        var quantity = item.quantity
        if let text = query["quantity"] {
            guard let value = Int64(text), value > 0 else { throw OperatorError.badRequest("quantity must be a whole number above 0") }
            quantity = value
        }
        var at = Int64(now().timeIntervalSince1970)
        if let text = query["at"] {
            guard let value = Int64(text) else { throw OperatorError.badRequest("at must be unix seconds") }
            at = value
        }
        // The new plan's monthly price, over the same billing interval as the current price.
        let target = plans[tier]
        let months: Int64
        switch item.recurringInterval {
        case "year": months = 12 * (item.intervalCount ?? 1)
        case "month": months = item.intervalCount ?? 1
        default: throw OperatorError(status: 409, code: "unsupported_interval", reason: "only monthly and yearly prices can be previewed")
        }
        let current = Money(minorUnits: unitAmount, currency: Currency(item.currency))
        let new = Money(minorUnits: target.monthlyPrice.minorUnits * months, currency: target.monthlyPrice.currency)
        do {
            let preview = try Proration.preview(current: current, currentQuantity: item.quantity, new: new, newQuantity: quantity,
                                                periodStart: Int64(start.timeIntervalSince1970), periodEnd: Int64(end.timeIntervalSince1970),
                                                at: at)
            return ProrationAnswer(tenantID: tenantID, subscriptionID: subscription.stripeSubscriptionID, fromTier: subscription.tier,
                                   toTier: tier, quantity: quantity, currency: current.currency.code, credit: preview.credit.minorUnits,
                                   charge: preview.charge.minorUnits, net: preview.net.minorUnits, at: Date(timeIntervalSince1970: TimeInterval(at)),
                                   periodStart: start, periodEnd: end, remainingSeconds: preview.remainingSeconds)
        } catch {
            throw OperatorError.badRequest(error.description)
        }
    }
}

extension LifecycleRoutes {
    /// `start_date` and `end_date` are UTC days, both included; by default the current month
    /// up to today.
    func mrr(query: [String: String]) async throws -> MRRAnswer {
        let today = UTCDay(containing: Int64(now().timeIntervalSince1970))
        var first = today.firstOfMonth, last = today
        if let text = query["start_date"] {
            guard let day = UTCDay(text) else { throw OperatorError.badRequest("start_date must be a day such as 2026-11-01") }
            first = day
        }
        if let text = query["end_date"] {
            guard let day = UTCDay(text) else { throw OperatorError.badRequest("end_date must be a day such as 2026-11-30") }
            last = day
        }
        guard last >= first else { throw OperatorError.badRequest("end_date is before start_date") }
        let end = last.startSeconds + 86_400
        let currency = plans[.team].monthlyPrice.currency.code
        let movements = try await queries.movements(before: Date(timeIntervalSince1970: TimeInterval(end)), currency: currency).map {
            MRRReport.Movement(subscriptionID: $0.stripeSubscriptionID, customerID: $0.stripeCustomerID, tier: $0.tier, kind: $0.kind,
                               from: $0.fromMRR, to: $0.toMRR, at: Int64($0.occurredAt.timeIntervalSince1970), eventID: $0.eventID)
        }
        let report = MRRReport.compute(movements, start: first.startSeconds, end: end)
        return MRRAnswer(report: report, currency: currency, startDate: first.description, endDate: last.description)
    }
}

/// `GET /v1/analytics/mrr`: amounts in cents, rates as percentages with two decimals.
struct MRRAnswer: Encodable, Sendable {
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
struct CommandsAnswer: Encodable, Sendable {
    var commands: [CommandRecord]
}

/// `GET /v1/tenants/{tenant_id}/entitlements`.
struct EntitlementsAnswer: Encodable, Sendable {
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
struct LimitsAnswer: Encodable, Sendable {
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
struct SubscriptionAnswer: Encodable, Sendable {
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
struct ProrationAnswer: Encodable, Sendable {
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
