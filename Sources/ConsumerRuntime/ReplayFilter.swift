import AMQP
import Foundation
import Messages

/// What to replay.
public struct ReplayFilter: Sendable {
    /// Only these event ids; empty for any.
    var ids: Set<String>
    /// Only events of this type; nil for any.
    var type: String?
    /// At most this many; nil for no limit.
    var limit: Int?

    /// Dead letters whose id is in `ids` (any when empty), of `type` (any when nil), at most `limit` of them.
    public init(ids: Set<String> = [], type: String? = nil, limit: Int? = nil) {
        self.ids = ids
        self.type = type
        self.limit = limit
    }

    func matches(_ delivery: AMQPDelivery) -> Bool {
        if !ids.isEmpty, !ids.contains(delivery.properties.messageID ?? "") { return false }
        if let type, delivery.properties.type != type { return false }
        return true
    }
}
