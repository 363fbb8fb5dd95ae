import BillingCore
import Foundation
import Storage
import Stripe

/// Folds Stripe snapshots into the lifecycle rows, in delivery order. Each object keeps the
/// version of the snapshot last applied to it; an older snapshot is recorded as stale and
/// skipped, so any delivery order ends in the state of the newest snapshot.
struct LifecyclePlanner: Sendable {
    var prices: PriceTierResolver

    init(prices: PriceTierResolver) {
        self.prices = prices
    }

    func plan(_ events: [StripeObjectEvent], current: LifecycleSnapshot) -> LifecyclePlan {
        var state = current
        var plan = LifecyclePlan()
        var changedAccounts: [String] = [], changedSubscriptions: [String] = [], changedInvoices: [String] = []

        for event in events {
            switch event.object {
            case .other:
                continue
            case .customer(let customer):
                guard admit(event, objectType: "customer", objectID: customer.id, lastApplied: state.accounts[customer.id]?.version,
                            into: &plan) else { continue }
                state.accounts[customer.id] = account(customer, version: event.version)
                changedAccounts.append(customer.id)
            case .subscription(let subscription):
                let previous = state.subscriptions[subscription.id]
                guard admit(event, objectType: "subscription", objectID: subscription.id, lastApplied: previous?.version,
                            into: &plan) else { continue }
                let (record, items) = self.subscription(subscription, previous: previous, account: state.accounts[subscription.customer],
                                                        version: event.version, plan: &plan)
                recordTransition(from: previous, to: record, event: event, into: &plan)
                recordMovement(from: previous, to: record, event: event, state: &state, into: &plan)
                state.subscriptions[subscription.id] = record
                plan.changes.items[subscription.id] = items
                changedSubscriptions.append(subscription.id)
            case .invoice(let invoice):
                let previous = state.invoices[invoice.id]
                guard admit(event, objectType: "invoice", objectID: invoice.id, lastApplied: previous?.version,
                            into: &plan) else { continue }
                let record = self.invoice(invoice, previous: previous, version: event.version)
                if previous?.paidAt == nil && record.paidAt != nil { plan.paymentsRecorded += 1 }
                state.invoices[invoice.id] = record
                changedInvoices.append(invoice.id)
            }
        }
        // Each changed row once, in its final state for this batch.
        plan.changes.accounts = unique(changedAccounts).compactMap { state.accounts[$0] }
        plan.changes.subscriptions = unique(changedSubscriptions).compactMap { state.subscriptions[$0] }
        plan.changes.invoices = unique(changedInvoices).compactMap { state.invoices[$0] }
        return plan
    }

    /// Whether to apply the snapshot; records it as stale (or counts it as already applied)
    /// when not.
    private func admit(_ event: StripeObjectEvent, objectType: String, objectID: String, lastApplied: SnapshotVersion?,
                       into plan: inout LifecyclePlan) -> Bool {
        switch SnapshotDecision.decide(lastApplied: lastApplied, incoming: event.version) {
        case .apply:
            return true
        case .duplicate:
            plan.alreadyApplied += 1
            return false
        case .stale:
            // `decide` answers .stale only when something was applied before.
            if let lastApplied {
                plan.changes.staleSnapshots.append(StaleSnapshotRecord(objectType: objectType, objectID: objectID,
                                                                       incoming: event.version, applied: lastApplied))
            }
            return false
        }
    }

    func account(_ customer: StripeCustomer, version: SnapshotVersion) -> AccountRecord {
        var contacts: [String: [String]] = [:]
        let billing = addresses(customer.metadata["billing_email"]) + (customer.email.map { [$0] } ?? [])
        contacts["billing"] = unique(billing)
        contacts["admin"] = addresses(customer.metadata["admin_email"])
        contacts["account_manager"] = addresses(customer.metadata["account_manager_email"])
        contacts = contacts.filter { !$0.value.isEmpty }
        return AccountRecord(stripeCustomerID: customer.id, tenantID: customer.tenantID,
                             company: customer.metadata["company"] ?? customer.name, billingEmail: contacts["billing"]?.first,
                             contacts: contacts, defaultPaymentMethod: customer.defaultPaymentMethod, deleted: customer.deleted,
                             version: version)
    }

    func subscription(_ subscription: StripeSubscription, previous: SubscriptionRecord?, account: AccountRecord?,
                      version: SnapshotVersion, plan: inout LifecyclePlan) -> (SubscriptionRecord, [SubscriptionItemRecord]) {
        var items: [SubscriptionItemRecord] = []
        for item in subscription.items {
            var tier: PlanTier?
            switch prices.tier(priceID: item.price.id, priceMetadata: item.price.metadata, productMetadata: item.price.productMetadata) {
            case .success(let resolved): tier = resolved
            case .failure(let unknown): plan.unknownPrices.append(unknown)
            }
            items.append(SubscriptionItemRecord(
                stripeItemID: item.id, stripeSubscriptionID: subscription.id, priceID: item.price.id, tier: tier,
                quantity: item.quantity, unitAmount: item.price.unitAmount, currency: item.price.currency,
                recurringInterval: item.price.recurringInterval, intervalCount: item.price.recurringIntervalCount.map(Int64.init),
                currentPeriodStart: date(item.currentPeriodStart), currentPeriodEnd: date(item.currentPeriodEnd)))
        }
        let first = items.first
        let monthly = monthlyAmount(subscription)
        let record = SubscriptionRecord(
            stripeSubscriptionID: subscription.id, stripeCustomerID: subscription.customer,
            tenantID: subscription.metadata["tenant_id"] ?? account?.tenantID ?? previous?.tenantID,
            tier: first?.tier, status: subscription.status, priceID: first?.priceID, quantity: first?.quantity ?? 0,
            currency: first?.currency, monthlyAmount: monthly, mrr: Revenue.counted(monthly ?? 0, status: subscription.status),
            percentOff: subscription.discountCouponPercentOff, amountOff: subscription.discountCouponAmountOff,
            trialStart: date(subscription.trialStart), trialEnd: date(subscription.trialEnd),
            currentPeriodStart: date(subscription.currentPeriodStart), currentPeriodEnd: date(subscription.currentPeriodEnd),
            cancelAtPeriodEnd: subscription.cancelAtPeriodEnd, cancelAt: date(subscription.cancelAt),
            canceledAt: date(subscription.canceledAt), endedAt: date(subscription.endedAt),
            pauseBehavior: subscription.pauseCollectionBehavior, created: date(subscription.created), version: version)
        return (record, items)
    }

    /// The normalised monthly amount: every item's price × quantity, a percentage coupon, and an
    /// amount-off coupon taken off each billing interval of the first item.
    func monthlyAmount(_ subscription: StripeSubscription) -> Int64? {
        var lines: [Revenue.Line] = []
        for item in subscription.items {
            guard let amount = item.price.unitAmount, let interval = item.price.recurringInterval else { return nil }
            lines.append(Revenue.Line(unitAmount: amount, quantity: item.quantity, interval: interval,
                                      intervalCount: Int64(item.price.recurringIntervalCount ?? 1)))
        }
        guard let first = lines.first else { return 0 }
        if let amountOff = subscription.discountCouponAmountOff, amountOff > 0 {
            lines.append(Revenue.Line(unitAmount: -amountOff, quantity: 1, interval: first.interval, intervalCount: first.intervalCount))
        }
        // Stripe's percent_off has at most two decimals: basis points are exact.
        let basisPoints = Int64(((subscription.discountCouponPercentOff ?? 0) * 100).rounded())
        return Revenue.monthlyAmount(lines, percentOffBasisPoints: basisPoints)
    }

    func invoice(_ invoice: StripeInvoice, previous: InvoiceRecord?, version: SnapshotVersion) -> InvoiceRecord {
        // Stripe's own paid time when it gives one, so every delivery order records the same.
        let paidNow = invoice.status == "paid" ? date(invoice.paidAt ?? version.created) : nil
        return InvoiceRecord(
            stripeInvoiceID: invoice.id, stripeCustomerID: invoice.customer, stripeSubscriptionID: invoice.subscription,
            status: invoice.status, currency: invoice.currency, amountDue: invoice.amountDue, amountPaid: invoice.amountPaid,
            amountRemaining: invoice.amountRemaining, attemptCount: invoice.attemptCount,
            nextPaymentAttempt: date(invoice.nextPaymentAttempt), billingReason: invoice.billingReason,
            hostedInvoiceURL: invoice.hostedInvoiceURL, created: date(invoice.created), paidAt: previous?.paidAt ?? paidNow,
            version: version)
    }

    private func recordTransition(from previous: SubscriptionRecord?, to next: SubscriptionRecord, event: StripeObjectEvent,
                                  into plan: inout LifecyclePlan) {
        let kind = SubscriptionStateMachine.classify(from: previous?.status, to: next.status)
        guard kind != .unchanged else { return }
        let transition = TransitionRecord(stripeSubscriptionID: next.stripeSubscriptionID, eventID: event.id,
                                          fromStatus: previous?.status, toStatus: next.status, kind: kind, eventCreated: event.created)
        plan.changes.transitions.append(transition)
        if kind == .unexpected { plan.anomalies.append(transition) }
    }

    private func recordMovement(from previous: SubscriptionRecord?, to next: SubscriptionRecord, event: StripeObjectEvent,
                                state: inout LifecycleSnapshot, into plan: inout LifecyclePlan) {
        let before = previous?.mrr ?? 0
        let hadRevenue = state.customersWithRevenue.contains(next.stripeCustomerID)
        guard let kind = Revenue.movement(from: before, to: next.mrr, hadRevenueBefore: hadRevenue) else { return }
        plan.changes.movements.append(MRRMovementRecord(
            stripeSubscriptionID: next.stripeSubscriptionID, eventID: event.id, stripeCustomerID: next.stripeCustomerID,
            tier: next.tier ?? previous?.tier, kind: kind, fromMRR: before, toMRR: next.mrr,
            currency: next.currency ?? previous?.currency ?? "usd",
            occurredAt: Date(timeIntervalSince1970: TimeInterval(event.created))))
        if next.mrr > 0 { state.customersWithRevenue.insert(next.stripeCustomerID) }
    }

    private func date(_ seconds: Int64?) -> Date? {
        seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    private func addresses(_ list: String?) -> [String] {
        guard let list else { return [] }
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
