import Foundation
import Logging
import PostgresNIO

/// A tenant's addresses by role, its company name and its webhook endpoint.
public struct TenantRecipients: Sendable, Equatable {
    public var contacts: [String: [String]]
    public var company: String?
    public var webhook: WebhookEndpointRecord?
}
