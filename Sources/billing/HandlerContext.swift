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

/// What handlers are built from: the configuration read at start.
struct HandlerContext: Sendable {
    var plans: PlanCatalog
    var dunning: DunningPolicy
    var daySeconds: Int64
    var stripe: StripeClient
    /// Where handlers publish what they ask of other consumers (notifications, state changes).
    var publisher: any EventPublisher
    var registry: PrometheusCollectorRegistry
    var now: @Sendable () -> Date
    /// What the notifications consumer sends with; nil where it does not run.
    var notifications: NotificationRuntime?

    init(plans: PlanCatalog, dunning: DunningPolicy = .seed, daySeconds: Int64 = 86_400, stripe: StripeClient,
                publisher: any EventPublisher, registry: PrometheusCollectorRegistry, notifications: NotificationRuntime? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.plans = plans
        self.dunning = dunning
        self.daySeconds = daySeconds
        self.stripe = stripe
        self.publisher = publisher
        self.registry = registry
        self.notifications = notifications
        self.now = now
    }
}
