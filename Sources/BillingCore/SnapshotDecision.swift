/// What to do with an incoming snapshot of an object, given the version last applied to it.
public enum SnapshotDecision: Sendable, Hashable {
    /// Newer than what was applied (or the first): apply it.
    case apply
    /// Older than what was applied: record it as stale and leave the state as it is.
    case stale
    /// The very event already applied.
    case duplicate

    /// Compares `incoming` with what was applied last (nil: nothing yet).
    public static func decide(lastApplied: SnapshotVersion?, incoming: SnapshotVersion) -> SnapshotDecision {
        guard let lastApplied else { return .apply }
        if incoming == lastApplied { return .duplicate }
        return incoming > lastApplied ? .apply : .stale
    }
}
