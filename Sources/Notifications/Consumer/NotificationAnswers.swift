import Foundation
import Hummingbird
import Intake
import Logging
import PostgresNIO
import Storage

// What the notifications routes answer, as JSON.

struct NotificationsAnswer: ResponseEncodable, Sendable {
    var notifications: [NotificationRecord]
}

struct DeletedAnswer: ResponseEncodable, Sendable {
    var deleted: Bool
}

struct EndpointAnswer: ResponseEncodable, Sendable {
    var tenantID: String
    var url: String
    var secret: String?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", url, secret
    }
}
