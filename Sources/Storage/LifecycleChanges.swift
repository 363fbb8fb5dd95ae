import BillingCore
import Foundation
import Logging
import PostgresNIO

/// What a batch of lifecycle events changes: rows to write, in one transaction.
public struct LifecycleChanges: Sendable, Equatable {
    /// Billing accounts to write.
    public var accounts: [AccountRecord] = []
    /// Subscriptions to write.
    public var subscriptions: [SubscriptionRecord] = []
    /// The complete item list of each subscription written (items not listed are removed).
    public var items: [String: [SubscriptionItemRecord]] = [:]
    /// Invoices to write.
    public var invoices: [InvoiceRecord] = []
    /// Status changes to record.
    public var transitions: [TransitionRecord] = []
    /// Events that came after a newer one for the same object, to record.
    public var staleSnapshots: [StaleSnapshotRecord] = []
    /// MRR movements to record.
    public var movements: [MRRMovementRecord] = []

    /// No changes.
    public init() {}

    /// Whether there is nothing to write.
    public var isEmpty: Bool {
        accounts.isEmpty && subscriptions.isEmpty && items.isEmpty && invoices.isEmpty && transitions.isEmpty
            && staleSnapshots.isEmpty && movements.isEmpty
    }
}
