import Foundation
import Logging
import PostgresNIO

/// A tenant's webhook endpoint for notifications and the secret its deliveries are signed with.
public struct WebhookEndpointRecord: Codable, Sendable, Equatable {
    /// The platform's tenant id.
    public var tenantID: String
    /// Where deliveries are posted (http or https).
    public var url: String
    /// `whsec_<base64>` (Standard Webhooks): the HMAC key is the decoded bytes.
    public var secret: String

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", url, secret
    }

    /// A tenant's endpoint.
    public init(tenantID: String, url: String, secret: String) {
        self.tenantID = tenantID
        self.url = url
        self.secret = secret
    }
}
