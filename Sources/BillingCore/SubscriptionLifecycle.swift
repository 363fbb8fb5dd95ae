/// Stripe's subscription statuses.
public enum SubscriptionStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case incomplete
    case incompleteExpired = "incomplete_expired"
    case trialing
    case active
    case pastDue = "past_due"
    case canceled
    case unpaid
    case paused

    /// Statuses a subscription never leaves.
    public var isTerminal: Bool { self == .canceled || self == .incompleteExpired }
}

/// How a status change Stripe reports compares with what the lifecycle expects. Stripe is the
/// source of truth, so every change is applied; an unexpected one is also logged and counted.
public enum TransitionKind: String, Sendable, Hashable {
    /// The first status seen for the subscription.
    case initial
    /// The status did not change (another field did).
    case unchanged
    case expected
    case unexpected
}

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
    public static let expected: [SubscriptionStatus: Set<SubscriptionStatus>] = [
        .incomplete: [.active, .incompleteExpired, .canceled],
        .trialing: [.active, .pastDue, .paused, .canceled, .unpaid],
        .active: [.pastDue, .unpaid, .canceled, .paused, .trialing],
        .pastDue: [.active, .unpaid, .canceled, .paused],
        .unpaid: [.active, .pastDue, .canceled],
        .paused: [.active, .trialing, .canceled],
        .canceled: [],
        .incompleteExpired: [],
    ]

    public static func classify(from previous: SubscriptionStatus?, to next: SubscriptionStatus) -> TransitionKind {
        guard let previous else { return .initial }
        if previous == next { return .unchanged }
        return expected[previous, default: []].contains(next) ? .expected : .unexpected
    }
}

/// Where a snapshot of a Stripe object stands in time: the `created` time of the event that
/// carried it, then the event id. Stripe does not order deliveries, and several events can
/// share a second; the id breaks such ties deterministically, so every delivery order ends in
/// the same state.
public struct SnapshotVersion: Sendable, Hashable, Comparable, Codable {
    public var created: Int64
    public var eventID: String

    public init(created: Int64, eventID: String) {
        self.created = created
        self.eventID = eventID
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.created, lhs.eventID) < (rhs.created, rhs.eventID)
    }
}

/// What to do with an incoming snapshot of an object, given the version last applied to it.
public enum SnapshotDecision: Sendable, Hashable {
    /// Newer than what was applied (or the first): apply it.
    case apply
    /// Older than what was applied: record it as stale and leave the state as it is.
    case stale
    /// The very event already applied.
    case duplicate

    public static func decide(lastApplied: SnapshotVersion?, incoming: SnapshotVersion) -> SnapshotDecision {
        guard let lastApplied else { return .apply }
        if incoming == lastApplied { return .duplicate }
        return incoming > lastApplied ? .apply : .stale
    }
}
