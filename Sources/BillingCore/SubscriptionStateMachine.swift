/// The subscription state machine over Stripe's eight statuses.
public enum SubscriptionStateMachine {
    /// The transitions Stripe's lifecycle produces:
    /// - `incomplete` → `active` (first payment), `incomplete_expired` (not paid within 23 h),
    ///   `canceled`;
    /// - `trialing` → `active` (trial ended, paid), `past_due` (first charge failed), `paused`
    ///   (trial ended without a payment method), `canceled`, `unpaid`;
    /// - `active` → `past_due`, `unpaid`, `canceled`, `paused`, `trialing` (a trial added);
    /// - `past_due` → `active` (recovered), `unpaid` (retries exhausted), `canceled`, `paused`;
    /// - `unpaid` → `active` (the open invoice paid), `past_due`, `canceled`;
    /// - `paused` → `active` (resumed), `trialing`, `canceled`;
    /// - `canceled` and `incomplete_expired` are final.
    static let expected: [SubscriptionStatus: Set<SubscriptionStatus>] = [
        .incomplete: [.active, .incompleteExpired, .canceled],
        .trialing: [.active, .pastDue, .paused, .canceled, .unpaid],
        .active: [.pastDue, .unpaid, .canceled, .paused, .trialing],
        .pastDue: [.active, .unpaid, .canceled, .paused],
        .unpaid: [.active, .pastDue, .canceled],
        .paused: [.active, .trialing, .canceled],
        .canceled: [],
        .incompleteExpired: [],
    ]

    /// How the change from `previous` (nil: the first status seen) to `next` compares with the
    /// transitions Stripe's lifecycle produces (``TransitionKind``).
    public static func classify(from previous: SubscriptionStatus?, to next: SubscriptionStatus) -> TransitionKind {
        guard let previous else { return .initial }
        if previous == next { return .unchanged }
        return expected[previous, default: []].contains(next) ? .expected : .unexpected
    }
}
