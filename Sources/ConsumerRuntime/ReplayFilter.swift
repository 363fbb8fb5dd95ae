import AMQP
import Foundation
import Messages

/// What to replay.
public struct ReplayFilter: Sendable {
    public var ids: Set<String>
    public var type: String?
    public var limit: Int?

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
