import BillingCore
import Foundation
import Logging
import PostgresNIO

/// What a batch of lifecycle events changes: rows to write, in one transaction.
public struct LifecycleChanges: Sendable, Equatable {
    public var accounts: [AccountRecord] = []
    public var subscriptions: [SubscriptionRecord] = []
    /// The complete item list of each subscription written (items not listed are removed).
    public var items: [String: [SubscriptionItemRecord]] = [:]
    public var invoices: [InvoiceRecord] = []
    public var transitions: [TransitionRecord] = []
    public var staleSnapshots: [StaleSnapshotRecord] = []
    public var movements: [MRRMovementRecord] = []

    public init() {}

    public var isEmpty: Bool {
        accounts.isEmpty && subscriptions.isEmpty && items.isEmpty && invoices.isEmpty && transitions.isEmpty
            && staleSnapshots.isEmpty && movements.isEmpty
    }
}
