import BillingCore
import Foundation
import Hummingbird
import Intake
import Logging
import PostgresNIO
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
public struct LifecycleRoutes: OperatorRouteProvider {
    let database: PostgresClient
    let logger: Logger
    let plans: PlanCatalog
    let dunning: DunningPolicy
    let daySeconds: Int64
    let now: @Sendable () -> Date

    /// Routes reading through `database`; `dunning` and `daySeconds` say when an open case makes
    /// a payment overdue.
    public init(database: PostgresClient, logger: Logger, plans: PlanCatalog, dunning: DunningPolicy = .seed, daySeconds: Int64 = 86_400,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.logger = logger
        self.plans = plans
        self.dunning = dunning
        self.daySeconds = daySeconds
        self.now = now
    }

    /// The routes, for the HTTP server to serve behind the ops token.
    public var routes: RouteCollection<BillingRequestContext> {
        let routes = RouteCollection(context: BillingRequestContext.self)
        routes.get("v1/tenants/:tenant_id/entitlements") { _, context in
            try await entitlements(tenantID: try context.parameters.value("tenant_id"))
        }
        routes.get("v1/tenants/:tenant_id/subscription") { _, context in
            let tenant = try context.parameters.value("tenant_id")
            return try await read { store in
                guard let subscription = try await store.currentSubscription(tenantID: tenant) else {
                    throw OperatorError.notFound("tenant \(tenant) has no subscription")
                }
                return try await details(subscription, tenantID: tenant, store: store)
            }
        }
        routes.get("v1/subscriptions/:subscription_id") { _, context in
            let id = try context.parameters.value("subscription_id")
            return try await read { store in
                guard let subscription = try await store.subscription(id: id) else { throw OperatorError.notFound("no subscription \(id)") }
                return try await details(subscription, tenantID: try await store.tenant(of: subscription), store: store)
            }
        }
        routes.get("v1/tenants/:tenant_id/proration-preview") { request, context in
            try await prorationPreview(tenantID: try context.parameters.value("tenant_id"), query: request.queryValues)
        }
        routes.get("v1/analytics/mrr") { request, _ in try await mrr(query: request.queryValues) }
        routes.get("v1/tenants/:tenant_id/commands") { _, context in
            let tenant = try context.parameters.value("tenant_id")
            return CommandsAnswer(commands: try await CommandStore.withConnection(on: database, logger: logger) { try await $0.commands(tenantID: tenant) })
        }
        return routes
    }

    /// Runs `body` with the lifecycle store on one connection for the whole request.
    func read<Result>(_ body: (LifecycleStore) async throws -> sending Result) async throws -> sending Result {
        try await LifecycleStore.withConnection(on: database, logger: logger, body)
    }

    func entitlements(tenantID: String) async throws -> EntitlementsAnswer {
        try await database.withConnection { connection in
            try await entitlements(tenantID: tenantID, lifecycle: LifecycleStore(connection: connection, logger: logger),
                                   dunning: DunningStore(connection: connection, logger: logger))
        }
    }

    func entitlements(tenantID: String, lifecycle: LifecycleStore, dunning dunningStore: DunningStore) async throws -> EntitlementsAnswer {
        let subscription = try await lifecycle.currentSubscription(tenantID: tenantID)
        if subscription == nil, try await lifecycle.account(tenantID: tenantID) == nil {
            throw OperatorError.notFound("no billing account or subscription for tenant \(tenantID)")
        }
        let serviceState = try await dunningStore.serviceState(tenantID: tenantID)
        let plan = subscription?.tier.map { plans[$0] }
        var computed = Entitlements.compute(plan: plan, status: subscription?.status, serviceState: serviceState,
                                            restrictions: plans.restrictions)
        let openCases = try await dunningStore.openCases(tenantID: tenantID).map(\.dunningCase)
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

    func details(_ subscription: SubscriptionRecord, tenantID: String?, store: LifecycleStore) async throws -> SubscriptionAnswer {
        let id = subscription.stripeSubscriptionID
        return SubscriptionAnswer(tenantID: tenantID, subscription: subscription, items: try await store.items(subscriptionID: id),
                                  invoices: try await store.invoices(subscriptionID: id),
                                  transitions: try await store.transitions(subscriptionID: id))
    }

    func prorationPreview(tenantID: String, query: [String: String]) async throws -> ProrationAnswer {
        guard let name = query["plan"], let tier = PlanTier(rawValue: name) else {
            throw OperatorError.badRequest("plan must be developer, team or enterprise")
        }
        let (subscription, items) = try await read { store in
            guard let subscription = try await store.currentSubscription(tenantID: tenantID) else {
                throw OperatorError.notFound("tenant \(tenantID) has no subscription")
            }
            return (subscription, try await store.items(subscriptionID: subscription.stripeSubscriptionID))
        }
        guard let item = items.first, let unitAmount = item.unitAmount, let start = subscription.currentPeriodStart,
              let end = subscription.currentPeriodEnd else {
            throw OperatorError(status: .conflict, code: "no_current_period", reason: "the subscription has no priced item or current period")
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
        default: throw OperatorError(status: .conflict, code: "unsupported_interval", reason: "only monthly and yearly prices can be previewed")
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
        let recorded = try await read { try await $0.movements(before: Date(timeIntervalSince1970: TimeInterval(end)), currency: currency) }
        let movements = recorded.map {
            MRRReport.Movement(subscriptionID: $0.stripeSubscriptionID, customerID: $0.stripeCustomerID, tier: $0.tier, kind: $0.kind,
                               from: $0.fromMRR, to: $0.toMRR, at: Int64($0.occurredAt.timeIntervalSince1970), eventID: $0.eventID)
        }
        let report = MRRReport.compute(movements, start: first.startSeconds, end: end)
        return MRRAnswer(report: report, currency: currency, startDate: first.description, endDate: last.description)
    }
}
