import BillingCore
import Foundation

/// `stale_snapshots`: a snapshot that arrived after a newer one of the same object was applied.
public struct StaleSnapshotRecord: LifecycleRecord {
    public static let table = "stale_snapshots"
    public static let key = ["object_id", "event_id"]

    public var eventID: String
    public var objectType: String
    public var objectID: String
    public var eventCreated: Int64
    public var appliedEventID: String
    public var appliedEventCreated: Int64

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case eventID = "event_id", objectType = "object_type", objectID = "object_id", eventCreated = "event_created"
        case appliedEventID = "applied_event_id", appliedEventCreated = "applied_event_created"
    }

    public init(objectType: String, objectID: String, incoming: SnapshotVersion, applied: SnapshotVersion) {
        self.eventID = incoming.eventID
        self.objectType = objectType
        self.objectID = objectID
        self.eventCreated = incoming.created
        self.appliedEventID = applied.eventID
        self.appliedEventCreated = applied.created
    }
}
