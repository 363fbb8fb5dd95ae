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
public struct HandlerContext: Sendable {
    public var plans: PlanCatalog
    public var dunning: DunningPolicy
    public var daySeconds: Int64
    public var stripe: StripeClient
    /// Where handlers publish what they ask of other consumers (notifications, state changes).
    public var publisher: any EventPublisher
    public var registry: PrometheusCollectorRegistry
    public var now: @Sendable () -> Date
    /// What the notifications consumer sends with; nil where it does not run.
    public var notifications: NotificationRuntime?

    public init(plans: PlanCatalog, dunning: DunningPolicy = .seed, daySeconds: Int64 = 86_400, stripe: StripeClient,
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
