import BillingCore
import Foundation

/// The fields of Stripe objects this service keeps, decoded from both API shapes: before
/// `2025-03-31.basil` (periods on the subscription, `invoice.subscription`) and after it
/// (periods on subscription items, `invoice.parent.subscription_details.subscription`).
/// Unknown fields are ignored; a missing required field fails with its path named.
enum StripeObjects {}
