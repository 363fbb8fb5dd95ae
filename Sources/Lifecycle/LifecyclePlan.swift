import BillingCore
import Foundation
import Storage
import Stripe

/// What applying a batch of Stripe events does, computed without I/O from the rows as they
/// were before the batch: the rows to write, and what to count and log.
struct LifecyclePlan: Sendable, Equatable {
    var changes = LifecycleChanges()
    /// Status changes the state machine does not expect (applied anyway: Stripe is the truth).
    var anomalies: [TransitionRecord] = []
    var unknownPrices: [UnknownPrice] = []
    /// Invoices seen paid for the first time.
    var paymentsRecorded = 0
    /// Snapshots skipped because the same event was already applied to the object.
    var alreadyApplied = 0
}
