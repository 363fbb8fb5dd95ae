import BillingCore
import Foundation

/// `subscription_transitions`: one status change (or the first status) of a subscription.
public struct TransitionRecord: LifecycleRecord {
    package static let table = "subscription_transitions"
    package static let key = ["stripe_subscription_id", "event_id"]

    /// Stripe's subscription id (`sub_…`).
    public var stripeSubscriptionID: String
    /// The event that made the change.
    public var eventID: String
    /// The status before (nil for a new subscription).
    public var fromStatus: SubscriptionStatus?
    /// The status after.
    public var toStatus: SubscriptionStatus
    /// How the change compares with what the lifecycle expects: `initial`, `unchanged`, `expected` or `unexpected`.
    public var kind: String
    /// When Stripe created the event, in Unix seconds.
    public var eventCreated: Int64

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeSubscriptionID = "stripe_subscription_id", eventID = "event_id", fromStatus = "from_status"
        case toStatus = "to_status", kind, eventCreated = "event_created"
    }

    /// A status change as the lifecycle planner records it.
    public init(stripeSubscriptionID: String, eventID: String, fromStatus: SubscriptionStatus?, toStatus: SubscriptionStatus,
                kind: TransitionKind, eventCreated: Int64) {
        self.stripeSubscriptionID = stripeSubscriptionID
        self.eventID = eventID
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.kind = kind.rawValue
        self.eventCreated = eventCreated
    }
}
