import BillingCore
import Foundation

/// The Stripe object an event carries, for the event types whose `data.object` is a snapshot
/// of a customer, a subscription or an invoice.
public enum StripeEventObject: Sendable, Equatable {
    /// The customer of `customer.created`, `customer.updated` or `customer.deleted`.
    case customer(StripeCustomer)
    /// A `customer.subscription.*` event's subscription.
    case subscription(StripeSubscription)
    /// An `invoice.*` event's invoice.
    case invoice(StripeInvoice)
    /// An event type whose object this service does not keep (it is archived only).
    case other

    /// Which object an event type carries. `invoice.upcoming` is left out: its invoice is a
    /// preview without an id.
    enum Kind: Sendable, Equatable {
        case customer, subscription, invoice, other

        init(eventType type: String) {
            switch type {
            case "customer.created", "customer.updated", "customer.deleted":
                self = .customer
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
                 "customer.subscription.trial_will_end", "customer.subscription.paused", "customer.subscription.resumed",
                 "customer.subscription.pending_update_applied", "customer.subscription.pending_update_expired":
                self = .subscription
            case "invoice.created", "invoice.finalized", "invoice.updated", "invoice.paid", "invoice.payment_failed",
                 "invoice.payment_action_required", "invoice.marked_uncollectible", "invoice.voided",
                 "invoice.payment_succeeded", "invoice.finalization_failed", "invoice.sent", "invoice.overdue":
                self = .invoice
            default:
                self = .other
            }
        }
    }
}
