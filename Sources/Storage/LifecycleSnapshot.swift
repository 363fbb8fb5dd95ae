import BillingCore
import Foundation
import Logging
import PostgresNIO

/// The lifecycle rows a batch of events touches, as they are before the batch.
public struct LifecycleSnapshot: Sendable, Equatable {
    public var accounts: [String: AccountRecord]
    public var subscriptions: [String: SubscriptionRecord]
    public var invoices: [String: InvoiceRecord]
    /// Customers that have had MRR before (so coming back is a reactivation, not new).
    public var customersWithRevenue: Set<String>

    public init(accounts: [String: AccountRecord] = [:], subscriptions: [String: SubscriptionRecord] = [:],
                invoices: [String: InvoiceRecord] = [:], customersWithRevenue: Set<String> = []) {
        self.accounts = accounts
        self.subscriptions = subscriptions
        self.invoices = invoices
        self.customersWithRevenue = customersWithRevenue
    }
}
