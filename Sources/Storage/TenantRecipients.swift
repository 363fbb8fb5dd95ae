import Foundation
import Logging
import PostgresNIO

/// A tenant's addresses by role, its company name and its webhook endpoint.
public struct TenantRecipients: Sendable, Equatable {
    /// Contact addresses by role (`billing`, `admin`, `account_manager`).
    public var contacts: [String: [String]]
    /// The company name, for templates.
    public var company: String?
    /// The tenant's webhook endpoint, if it set one.
    public var webhook: WebhookEndpointRecord?
}
