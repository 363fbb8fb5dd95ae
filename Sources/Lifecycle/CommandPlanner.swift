import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Storage
import Stripe

enum CommandPlanner {
    /// Stripe's `cancellation_details.feedback` values; any other reason goes in the comment.
    static let feedbackValues: Set<String> = ["customer_service", "low_quality", "missing_features", "other", "switched_service",
                                              "too_complex", "too_expensive", "unused"]

    static func decide(_ command: LifecycleCommand, commandID: String, subscription: SubscriptionRecord?,
                       items: [SubscriptionItemRecord], openInvoice: InvoiceRecord?, plans: PlanCatalog) -> CommandDecision {
        guard let subscription else { return .reject("the tenant has no subscription") }
        let id = subscription.stripeSubscriptionID
        func key(_ step: String) -> String { "\(commandID):\(step)" }
        guard !subscription.status.isTerminal else {
            return .reject("subscription \(id) is \(subscription.status.rawValue); start a new subscription instead")
        }
        switch command {
        case .changePlan(let tier, let prorate, let effective):
            guard let newPrice = plans[tier].stripePriceID else {
                return .reject("plans.\(tier.rawValue).stripe_price_id is not configured in config/plans.yaml")
            }
            guard items.count == 1, let item = items.first else {
                return .reject("subscription \(id) has \(items.count) items; plan changes handle exactly one")
            }
            guard item.priceID != newPrice else { return .reject("subscription \(id) is already on \(tier.rawValue)") }
            switch effective {
            case .immediate:
                let update = StripeRequest(.post, "/v1/subscriptions/\(StripeRequest.segment(id))", form: [
                    .init("items[0][id]", item.stripeItemID), .init("items[0][price]", newPrice),
                    .init("proration_behavior", prorate ? "create_prorations" : "none"),
                ], idempotencyKey: key("update"))
                return .call([update], expect: .init(priceID: newPrice))
            case .periodEnd:
                guard let end = subscription.currentPeriodEnd else { return .reject("subscription \(id) has no current period") }
                let create = StripeRequest(.post, "/v1/subscription_schedules", form: [.init("from_subscription", id)],
                                           idempotencyKey: key("schedule"))
                return .schedule(create: create, newPriceID: newPrice, currentPriceID: item.priceID, quantity: item.quantity,
                                 periodEnd: Int64(end.timeIntervalSince1970), updateKey: key("phases"), expect: .init(priceID: newPrice))
            }
        case .cancel(let atPeriodEnd, let reason, let feedback):
            var details: [StripeRequest.FormField] = []
            if let reason, feedbackValues.contains(reason) { details.append(.init("cancellation_details[feedback]", reason)) }
            let comment = [reason.flatMap { feedbackValues.contains($0) ? nil : $0 }, feedback].compactMap { $0 }.joined(separator: " — ")
            if !comment.isEmpty { details.append(.init("cancellation_details[comment]", String(comment.prefix(5000)))) }
            if atPeriodEnd {
                guard !subscription.cancelAtPeriodEnd else { return .reject("subscription \(id) is already set to cancel at period end") }
                return .call([StripeRequest(.post, "/v1/subscriptions/\(StripeRequest.segment(id))", form: [.init("cancel_at_period_end", "true")] + details,
                                            idempotencyKey: key("cancel"))], expect: .init(cancelAtPeriodEnd: true))
            }
            return .call([StripeRequest(.delete, "/v1/subscriptions/\(StripeRequest.segment(id))", form: details, idempotencyKey: key("cancel"))],
                         expect: .init(status: .canceled))
        case .reactivate(let paymentMethod):
            var calls: [StripeRequest] = []
            if let paymentMethod {
                calls.append(StripeRequest(.post, "/v1/payment_methods/\(StripeRequest.segment(paymentMethod))/attach",
                                           form: [.init("customer", subscription.stripeCustomerID)], idempotencyKey: key("attach")))
                calls.append(StripeRequest(.post, "/v1/customers/\(StripeRequest.segment(subscription.stripeCustomerID))",
                                           form: [.init("invoice_settings[default_payment_method]", paymentMethod)], idempotencyKey: key("default")))
            }
            if subscription.cancelAtPeriodEnd {
                calls.append(StripeRequest(.post, "/v1/subscriptions/\(StripeRequest.segment(id))", form: [.init("cancel_at_period_end", "false")],
                                           idempotencyKey: key("resume")))
            }
            if let paymentMethod, let invoice = openInvoice {
                calls.append(StripeRequest(.post, "/v1/invoices/\(StripeRequest.segment(invoice.stripeInvoiceID))/pay",
                                           form: [.init("payment_method", paymentMethod)], idempotencyKey: key("pay")))
            }
            guard !calls.isEmpty else { return .reject("subscription \(id) is not set to cancel and no new payment method was given") }
            return .call(calls, expect: .init(cancelAtPeriodEnd: false))
        }
    }
}
