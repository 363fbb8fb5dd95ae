import BillingCore
import ConsumerRuntime
import Foundation
import Logging
import Messages
import PostgresNIO
import Storage
import Stripe

/// A platform command for a tenant's subscription (`internal.subscription.*`).
enum LifecycleCommand: Sendable, Equatable {
    enum Effective: String, Sendable { case immediate, periodEnd = "period_end" }

    case changePlan(tier: PlanTier, prorate: Bool, effective: Effective)
    case cancel(atPeriodEnd: Bool, reason: String?, feedback: String?)
    case reactivate(paymentMethod: String?)

    /// Reads the command of an internal event; malformed input is a permanent failure naming the field.
    static func parse(_ event: InternalEvent) throws(PermanentFailure) -> LifecycleCommand {
        let data = event.data
        func bool(_ name: String, default value: Bool) throws(PermanentFailure) -> Bool {
            guard let field = data[name] else { return value }
            guard case .bool(let flag) = field else { throw PermanentFailure("\(event.type) \(event.id): data.\(name) must be true or false") }
            return flag
        }
        func string(_ name: String) throws(PermanentFailure) -> String? {
            guard let field = data[name], field != .null else { return nil }
            guard let text = field.stringValue else { throw PermanentFailure("\(event.type) \(event.id): data.\(name) must be a string") }
            return text
        }
        switch SubscriptionCommand(rawValue: event.type) {
        case .changePlanRequested:
            guard let name = try string("plan"), let tier = PlanTier(rawValue: name) else {
                throw PermanentFailure("\(event.type) \(event.id): data.plan must be developer, team or enterprise")
            }
            let effectiveName = try string("effective") ?? "immediate"
            guard let effective = Effective(rawValue: effectiveName) else {
                throw PermanentFailure("\(event.type) \(event.id): data.effective must be immediate or period_end")
            }
            return .changePlan(tier: tier, prorate: try bool("prorate", default: true), effective: effective)
        case .cancelRequested:
            return .cancel(atPeriodEnd: try bool("at_period_end", default: true), reason: try string("reason"), feedback: try string("feedback"))
        case .reactivateRequested:
            return .reactivate(paymentMethod: try string("new_payment_method_id"))
        case nil:
            throw PermanentFailure("lifecycle has no command \(event.type)")
        }
    }
}
