import BillingCore
import Foundation
import Storage

/// A request for one logical notification: a template, the roles it goes to and its data.
/// `key` identifies it (e.g. a dunning case and step): the same key twice sends nothing twice.
public struct NotificationRequest: Sendable, Equatable {
    public var key: String
    public var template: String
    public var tenantID: String
    public var roles: [ContactRole]
    public var data: [String: JSONValue]

    public init(key: String, template: String, tenantID: String, roles: [ContactRole], data: [String: JSONValue]) {
        self.key = key
        self.template = template
        self.tenantID = tenantID
        self.roles = roles
        self.data = data
    }
}
