import BillingCore
import Prometheus
import Stripe

/// What handlers are built from: the configuration read at start.
public struct HandlerContext: Sendable {
    public var plans: PlanCatalog
    public var stripe: StripeClient
    public var registry: PrometheusCollectorRegistry

    public init(plans: PlanCatalog, stripe: StripeClient, registry: PrometheusCollectorRegistry) {
        self.plans = plans
        self.stripe = stripe
        self.registry = registry
    }
}

/// Which handler runs each consumer of `consumers/*.yaml`. A consumer without one is not
/// started (its queue keeps its messages until a build that handles them runs).
public enum ConsumerCatalog {
    public static func handler(for consumer: String, context: HandlerContext) -> (any EventHandler)? {
        switch consumer {
        case "lifecycle": LifecycleHandler(plans: context.plans, stripe: context.stripe, registry: context.registry)
        default: nil
        }
    }
}
