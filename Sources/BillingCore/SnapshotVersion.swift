/// Where a snapshot of a Stripe object stands in time: the `created` time of the event that
/// carried it, then the event id. Stripe does not order deliveries, and several events can
/// share a second; the id breaks such ties deterministically, so every delivery order ends in
/// the same state.
public struct SnapshotVersion: Sendable, Hashable, Comparable, Codable {
    /// The carrying event's `created` time, unix seconds.
    public var created: Int64
    /// The carrying event's id (`evt_…`), which breaks ties within a second.
    public var eventID: String

    /// The version of a snapshot carried by the event `eventID`, created at `created`.
    public init(created: Int64, eventID: String) {
        self.created = created
        self.eventID = eventID
    }

    /// Earlier `created` first, then by event id.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.created, lhs.eventID) < (rhs.created, rhs.eventID)
    }
}
