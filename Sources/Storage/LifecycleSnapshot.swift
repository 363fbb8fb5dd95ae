import BillingCore
import Foundation
import Logging
import PostgresNIO

/// The lifecycle rows a batch of events touches, as they are before the batch.
public struct LifecycleSnapshot: Sendable, Equatable {
    /// Billing accounts by Stripe customer id.
    public var accounts: [String: AccountRecord]
    /// Subscriptions by Stripe subscription id.
    public var subscriptions: [String: SubscriptionRecord]
    /// Invoices by Stripe invoice id.
    public var invoices: [String: InvoiceRecord]
    /// Customers that have had MRR before (so coming back is a reactivation, not new).
    public var customersWithRevenue: Set<String>

    /// A snapshot of the given rows (empty by default).
    public init(accounts: [String: AccountRecord] = [:], subscriptions: [String: SubscriptionRecord] = [:],
                invoices: [String: InvoiceRecord] = [:], customersWithRevenue: Set<String> = []) {
        self.accounts = accounts
        self.subscriptions = subscriptions
        self.invoices = invoices
        self.customersWithRevenue = customersWithRevenue
    }
}
