import BillingCore
import Foundation
import Intake
import Prometheus
import Stripe

/// What handlers are built from: the configuration read at start.
public struct HandlerContext: Sendable {
    public var plans: PlanCatalog
    public var dunning: DunningPolicy
    public var daySeconds: Int64
    public var stripe: StripeClient
    /// Where handlers publish what they ask of other consumers (notifications, state changes).
    public var publisher: any EventPublisher
    public var registry: PrometheusCollectorRegistry
    public var now: @Sendable () -> Date

    public init(plans: PlanCatalog, dunning: DunningPolicy = .seed, daySeconds: Int64 = 86_400, stripe: StripeClient,
                publisher: any EventPublisher, registry: PrometheusCollectorRegistry, now: @escaping @Sendable () -> Date = { Date() }) {
        self.plans = plans
        self.dunning = dunning
        self.daySeconds = daySeconds
        self.stripe = stripe
        self.publisher = publisher
        self.registry = registry
        self.now = now
    }
}

/// Which handler runs each consumer of `consumers/*.yaml`. A consumer without one is not
/// started (its queue keeps its messages until a build that handles them runs).
public enum ConsumerCatalog {
    public static func handler(for consumer: String, context: HandlerContext) -> (any EventHandler)? {
        switch consumer {
        case "lifecycle": LifecycleHandler(plans: context.plans, stripe: context.stripe, registry: context.registry)
        case "dunning": DunningHandler(policy: context.dunning, daySeconds: context.daySeconds, stripe: context.stripe,
                                       publisher: context.publisher, now: context.now)
        default: nil
        }
    }
}
