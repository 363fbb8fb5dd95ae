import BillingCore
import Foundation

/// `stale_snapshots`: a snapshot that arrived after a newer one of the same object was applied.
public struct StaleSnapshotRecord: LifecycleRecord {
    package static let table = "stale_snapshots"
    package static let key = ["object_id", "event_id"]

    /// The stale event's id.
    public var eventID: String
    /// `customer`, `subscription` or `invoice`.
    public var objectType: String
    /// The object's Stripe id.
    public var objectID: String
    /// When Stripe created the stale event, in Unix seconds.
    public var eventCreated: Int64
    /// The newer event the row already holds.
    public var appliedEventID: String
    /// When that newer event was created, in Unix seconds.
    public var appliedEventCreated: Int64

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case eventID = "event_id", objectType = "object_type", objectID = "object_id", eventCreated = "event_created"
        case appliedEventID = "applied_event_id", appliedEventCreated = "applied_event_created"
    }

    /// An event that arrived after a newer one for the same object, kept for the record.
    public init(objectType: String, objectID: String, incoming: SnapshotVersion, applied: SnapshotVersion) {
        self.eventID = incoming.eventID
        self.objectType = objectType
        self.objectID = objectID
        self.eventCreated = incoming.created
        self.appliedEventID = applied.eventID
        self.appliedEventCreated = applied.created
    }
}
