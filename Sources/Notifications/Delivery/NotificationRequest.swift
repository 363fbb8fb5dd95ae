import BillingCore
import Foundation
import Storage

/// A request for one logical notification: a template, the roles it goes to and its data.
/// `key` identifies it (e.g. a dunning case and step): the same key twice sends nothing twice.
package struct NotificationRequest: Sendable, Equatable {
    package var key: String
    package var template: String
    package var tenantID: String
    package var roles: [ContactRole]
    package var data: [String: JSONValue]

    package init(key: String, template: String, tenantID: String, roles: [ContactRole], data: [String: JSONValue]) {
        self.key = key
        self.template = template
        self.tenantID = tenantID
        self.roles = roles
        self.data = data
    }
}
