import BillingCore
import Prometheus

/// What handlers are built from: the configuration read at start.
public struct HandlerContext: Sendable {
    public var plans: PlanCatalog
    public var registry: PrometheusCollectorRegistry

    public init(plans: PlanCatalog, registry: PrometheusCollectorRegistry) {
        self.plans = plans
        self.registry = registry
    }
}

/// Which handler runs each consumer of `consumers/*.yaml`. A consumer without one is not
/// started (its queue keeps its messages until a build that handles them runs).
public enum ConsumerCatalog {
    public static func handler(for consumer: String, context: HandlerContext) -> (any EventHandler)? {
        switch consumer {
        case "lifecycle": LifecycleHandler(prices: context.plans.prices, registry: context.registry)
        default: nil
        }
    }
}
