/// The platform's subscription commands: internal events the lifecycle consumer carries out
/// through Stripe. Their `data` is read field by field, with errors naming the field.
public enum SubscriptionCommand: String, Sendable, CaseIterable {
    /// `data`: `plan` (developer, team, enterprise), `prorate` (default true), `effective`
    /// (`immediate`, the default, or `period_end`).
    case changePlanRequested = "subscription.change_plan_requested"
    /// `data`: `at_period_end` (default true), `reason`, `feedback`.
    case cancelRequested = "subscription.cancel_requested"
    /// `data`: `new_payment_method_id`.
    case reactivateRequested = "subscription.reactivate_requested"

    /// The event type, as in the routing key `internal.<type>`.
    package var eventType: String { rawValue }
}
