import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Prometheus
import Storage
import Stripe

/// The `lifecycle` consumer's Stripe events: archives each in `stripe_events` and applies the
/// customer, subscription and invoice snapshots it carries (see ``LifecyclePlanner``), a batch
/// in one transaction: decode, lock and load the objects, plan, write.
public struct LifecycleHandler: PendingCallHandler {
    let planner: LifecyclePlanner
    let metrics: LifecycleMetrics
    let commands: CommandExecutor

    /// A handler that maps prices to plans with `plans` and carries out commands through `stripe`.
    public init(plans: PlanCatalog, stripe: StripeClient, registry: PrometheusCollectorRegistry) {
        planner = LifecyclePlanner(prices: plans.prices)
        metrics = LifecycleMetrics(registry: registry)
        commands = CommandExecutor(stripe: stripe, plans: plans, metrics: metrics)
    }

    /// Applies one event (a batch of one).
    public func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        try await handle(batch: [event], connection: connection, logger: logger)
    }

    /// Applies a batch of Stripe events and platform commands on the inbox transaction's connection:
    /// archives the events, then locks, reads, plans and saves the objects they touch.
    public func handle(batch events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws {
        var decoded: [StripeObjectEvent] = []
        var archive: [StripeEventRecord] = []
        var commandEvents: [InboundEvent] = []
        decoded.reserveCapacity(events.count)
        for event in events {
            if event.routingKey.hasPrefix(RoutingKey.internal("subscription.")) {
                commandEvents.append(event)
                continue
            }
            guard RoutingKey.isStripe(event.routingKey) else {
                throw PermanentFailure("lifecycle has no handler for \(event.routingKey) in this build")
            }
            let stripeEvent: StripeObjectEvent
            do {
                stripeEvent = try StripeObjectEvent.decode(event.body)
            } catch {
                throw PermanentFailure("event \(event.id): \(FailureClassifier.describe(error))")
            }
            guard stripeEvent.id == event.id else {
                throw PermanentFailure("the payload's id \(stripeEvent.id) differs from the message id \(event.id)")
            }
            decoded.append(stripeEvent)
            archive.append(StripeEventRecord(id: stripeEvent.id, type: stripeEvent.type, created: stripeEvent.created,
                                                  livemode: stripeEvent.livemode, apiVersion: stripeEvent.apiVersion,
                                                  payload: String(decoding: event.body, as: UTF8.self)))
        }
        try await StripeEventStore(connection: connection, logger: logger).insert(archive)
        try await applySnapshots(decoded, connection: connection, logger: logger)
        for command in commandEvents {
            try await commands.decide(command, connection: connection, logger: logger)
        }
    }

    /// Makes a pending command's calls to Stripe and records the answer (after the commit).
    public func complete(_ call: PendingCall, database: PostgresClient, logger: Logger) async throws {
        try await commands.complete(call, database: database, logger: logger)
    }

    /// Records a pending command as failed: Stripe could not be reached.
    public func abandon(_ call: PendingCall, reason: String, database: PostgresClient, logger: Logger) async throws {
        try await commands.abandon(call, reason: reason, database: database, logger: logger)
    }

    func applySnapshots(_ decoded: [StripeObjectEvent], connection: PostgresConnection, logger: Logger) async throws {

        var customers = Set<String>(), subscriptions = Set<String>(), invoices = Set<String>()
        for event in decoded {
            switch event.object {
            case .customer(let customer): customers.insert(customer.id)
            case .subscription(let subscription):
                subscriptions.insert(subscription.id)
                customers.insert(subscription.customer)
            case .invoice(let invoice): invoices.insert(invoice.id)
            case .other: break
            }
        }
        guard !(customers.isEmpty && subscriptions.isEmpty && invoices.isEmpty) else { return }
        let store = LifecycleStore(connection: connection, logger: logger)
        try await store.lock(objectIDs: subscriptions.union(invoices).union(customers))
        let current = try await store.snapshot(customerIDs: customers, subscriptionIDs: subscriptions, invoiceIDs: invoices)
        let plan = planner.plan(decoded, current: current)
        try await store.save(plan.changes)
        metrics.record(plan, logger: logger)
    }
}
