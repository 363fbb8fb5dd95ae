/// Stripe event bodies in the shapes Stripe sends, for tests: `basil` puts periods on items and
/// the subscription of an invoice under `parent.subscription_details`; the older shape does not.
public enum StripeFixtures {
    public enum Shape: Sendable { case preBasil, basil }

    public struct Price: Sendable {
        public var id: String
        public var unitAmount: Int64
        public var interval: String
        public var tier: String?

        public init(id: String, unitAmount: Int64, interval: String = "month", tier: String?) {
            self.id = id
            self.unitAmount = unitAmount
            self.interval = interval
            self.tier = tier
        }

        public static let developer = Price(id: "price_developer_monthly", unitAmount: 5_000, tier: "developer")
        public static let team = Price(id: "price_team_monthly", unitAmount: 20_000, tier: "team")
        public static let enterprise = Price(id: "price_enterprise_monthly", unitAmount: 80_000, tier: "enterprise")
        public static let teamYearly = Price(id: "price_team_yearly", unitAmount: 200_000, interval: "year", tier: "team")
    }

    static func envelope(id: String, type: String, created: Int64, object: String, shape: Shape) -> String {
        let version = shape == .basil ? "2025-03-31.basil" : "2024-06-20"
        return #"{"id":"\#(id)","object":"event","api_version":"\#(version)","created":\#(created),"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"\#(type)","data":{"object":\#(object)}}"#
    }

    static func json(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "null" }
    static func json(_ value: Int64?) -> String { value.map(String.init) ?? "null" }

    public static func customerEvent(id: String, type: String = "customer.updated", created: Int64, customer: String,
                                     tenant: String?, email: String? = nil, metadata: [String: String] = [:]) -> String {
        var all = metadata
        if let tenant { all["tenant_id"] = tenant }
        let pairs = all.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        let object = #"{"id":"\#(customer)","object":"customer","email":\#(json(email)),"name":"Acme Corp","metadata":{\#(pairs)},"invoice_settings":{"default_payment_method":"pm_card_visa"},"livemode":false}"#
        return envelope(id: id, type: type, created: created, object: object, shape: .basil)
    }

    public static func subscriptionEvent(id: String, type: String = "customer.subscription.updated", created: Int64,
                                         subscription: String, customer: String, status: String, price: Price = .team,
                                         quantity: Int64 = 1, cancelAtPeriodEnd: Bool = false, periodStart: Int64 = 1_764_000_000,
                                         percentOff: Double? = nil, tenant: String? = nil, shape: Shape = .basil) -> String {
        let periodEnd = periodStart + (price.interval == "year" ? 365 : 30) * 86_400
        let productMetadata = price.tier.map { #"{"plan_slug":"\#($0)"}"# } ?? "{}"
        let itemPeriod = shape == .basil ? #","current_period_start":\#(periodStart),"current_period_end":\#(periodEnd)"# : ""
        let subscriptionPeriod = shape == .basil ? "" : #""current_period_start":\#(periodStart),"current_period_end":\#(periodEnd),"#
        let item = #"{"id":"si_\#(subscription)","object":"subscription_item","quantity":\#(quantity),"price":{"id":"\#(price.id)","object":"price","currency":"usd","unit_amount":\#(price.unitAmount),"recurring":{"interval":"\#(price.interval)","interval_count":1},"metadata":{},"product":{"id":"prod_\#(price.tier ?? "x")","metadata":\#(productMetadata)}}\#(itemPeriod)}"#
        let discount = percentOff.map { #"{"coupon":{"id":"co_1","percent_off":\#($0),"amount_off":null}}"# } ?? "null"
        let trial = status == "trialing" ? #""trial_start":\#(periodStart),"trial_end":\#(periodStart + 14 * 86_400),"# : #""trial_start":null,"trial_end":null,"#
        let metadata = tenant.map { #"{"tenant_id":"\#($0)"}"# } ?? "{}"
        let ended = status == "canceled" || status == "incomplete_expired" ? String(created) : "null"
        let object = #"{"id":"\#(subscription)","object":"subscription","customer":"\#(customer)","status":"\#(status)",\#(subscriptionPeriod)\#(trial)"cancel_at_period_end":\#(cancelAtPeriodEnd),"cancel_at":null,"canceled_at":\#(ended),"ended_at":\#(ended),"pause_collection":null,"discount":\#(discount),"metadata":\#(metadata),"created":1764000000,"items":{"object":"list","data":[\#(item)]}}"#
        return envelope(id: id, type: type, created: created, object: object, shape: shape)
    }

    public static func invoiceEvent(id: String, type: String, created: Int64, invoice: String, customer: String,
                                    subscription: String?, status: String, amountDue: Int64 = 20_000, amountPaid: Int64 = 0,
                                    attemptCount: Int = 0, nextPaymentAttempt: Int64? = nil, paidAt: Int64? = nil,
                                    shape: Shape = .basil) -> String {
        let link: String
        switch shape {
        case .basil:
            link = #""parent":{"type":"subscription_details","subscription_details":{"subscription":\#(json(subscription))}}"#
        case .preBasil:
            link = #""subscription":\#(json(subscription))"#
        }
        let object = #"{"id":"\#(invoice)","object":"invoice","customer":"\#(customer)",\#(link),"status":"\#(status)","currency":"usd","amount_due":\#(amountDue),"amount_paid":\#(amountPaid),"amount_remaining":\#(amountDue - amountPaid),"attempt_count":\#(attemptCount),"next_payment_attempt":\#(json(nextPaymentAttempt)),"billing_reason":"subscription_cycle","hosted_invoice_url":"https://invoice.stripe.com/i/\#(invoice)","status_transitions":{"paid_at":\#(json(paidAt))},"created":1764000000,"lines":{"object":"list","data":[]}}"#
        return envelope(id: id, type: type, created: created, object: object, shape: shape)
    }
}
