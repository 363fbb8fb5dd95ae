import BillingCore
import Foundation

/// `subscription_transitions`: one status change (or the first status) of a subscription.
public struct TransitionRecord: LifecycleRecord {
    public static let table = "subscription_transitions"
    public static let key = ["stripe_subscription_id", "event_id"]

    public var stripeSubscriptionID: String
    public var eventID: String
    public var fromStatus: SubscriptionStatus?
    public var toStatus: SubscriptionStatus
    public var kind: String
    public var eventCreated: Int64

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case stripeSubscriptionID = "stripe_subscription_id", eventID = "event_id", fromStatus = "from_status"
        case toStatus = "to_status", kind, eventCreated = "event_created"
    }

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
