
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
