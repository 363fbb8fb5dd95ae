import AMQP
import BillingCore
import ConfigurationFiles
import ConsumerRuntime
import Dunning
import Foundation
import Intake
import Lifecycle
import Logging
import Notifications
import PostgresNIO
import Prometheus
import Settings
import Storage
import Stripe
import Usage

/// Which handler runs each consumer of `consumers/*.yaml`. A consumer without one is not
/// started (its queue keeps its messages until a build that handles them runs).
enum ConsumerCatalog {
    static func handler(for consumer: String, context: HandlerContext) -> (any EventHandler)? {
        switch consumer {
        case "lifecycle": LifecycleHandler(plans: context.plans, stripe: context.stripe, registry: context.registry)
        case "dunning": DunningHandler(policy: context.dunning, daySeconds: context.daySeconds, stripe: context.stripe,
                                       publisher: context.publisher, now: context.now)
        case "usage": UsageHandler(plans: context.plans, publisher: context.publisher, registry: context.registry, now: context.now)
        case "notifications": context.notifications?.handler(plans: context.plans, registry: context.registry, now: context.now)
        default: nil
        }
    }
}
