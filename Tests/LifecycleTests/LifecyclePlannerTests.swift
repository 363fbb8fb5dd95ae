import BillingCore
import Foundation
import Storage
import Stripe
import StripeFixtures
import Testing

@testable import Lifecycle

@Suite("Lifecycle planner")
struct LifecyclePlannerTests {
    let planner = LifecyclePlanner(prices: PriceTierResolver(priceMap: ["price_legacy": .team]))

    func event(_ json: String) throws -> StripeObjectEvent {
        try StripeObjectEvent.decode(Array(json.utf8))
    }

    func sub(_ id: String, _ created: Int64, _ status: String, type: String = "customer.subscription.updated",
             price: StripeFixtures.Price = .team, quantity: Int64 = 1, cancelAtPeriodEnd: Bool = false,
             subscription: String = "sub_1", customer: String = "cus_1") throws -> StripeObjectEvent {
        try event(StripeFixtures.subscriptionEvent(id: id, type: type, created: created, subscription: subscription, customer: customer,
                                                   status: status, price: price, quantity: quantity, cancelAtPeriodEnd: cancelAtPeriodEnd))
    }

    func inv(_ id: String, _ created: Int64, _ type: String, status: String, paid: Bool = false, attempts: Int = 0) throws -> StripeObjectEvent {
        try event(StripeFixtures.invoiceEvent(id: id, type: type, created: created, invoice: "in_1", customer: "cus_1",
                                              subscription: "sub_1", status: status, amountPaid: paid ? 20_000 : 0,
                                              attemptCount: attempts, paidAt: paid ? 1_764_400_000 : nil))
    }

    /// Applies each event in its own batch, as separate deliveries would be, and returns the
    /// final rows.
    func fold(_ events: [StripeObjectEvent], batchSize: Int = 1) -> LifecycleSnapshot {
        var snapshot = LifecycleSnapshot()
        var start = 0
        while start < events.count {
            let batch = Array(events[start..<min(start + batchSize, events.count)])
            apply(planner.plan(batch, current: snapshot).changes, to: &snapshot)
            start += batchSize
        }
        return snapshot
    }

    func apply(_ changes: LifecycleChanges, to snapshot: inout LifecycleSnapshot) {
        // As the store does: a row is only replaced by a newer version.
        for account in changes.accounts where snapshot.accounts[account.stripeCustomerID].map({ $0.version < account.version }) ?? true {
            snapshot.accounts[account.stripeCustomerID] = account
        }
        for subscription in changes.subscriptions
        where snapshot.subscriptions[subscription.stripeSubscriptionID].map({ $0.version < subscription.version }) ?? true {
            snapshot.subscriptions[subscription.stripeSubscriptionID] = subscription
        }
        for invoice in changes.invoices where snapshot.invoices[invoice.stripeInvoiceID].map({ $0.version < invoice.version }) ?? true {
            snapshot.invoices[invoice.stripeInvoiceID] = invoice
        }
        for movement in changes.movements where movement.toMRR > 0 { snapshot.customersWithRevenue.insert(movement.stripeCustomerID) }
    }

    @Test func aFirstSnapshotIsAppliedWithItsPlanAndAnInitialTransition() throws {
        let plan = planner.plan([try sub("evt_1", 100, "trialing", type: "customer.subscription.created")], current: LifecycleSnapshot())
        let subscription = try #require(plan.changes.subscriptions.first)
        #expect(subscription.tier == .team)
        #expect(subscription.status == .trialing)
        #expect(subscription.monthlyAmount == 20_000)
        #expect(subscription.mrr == 0, "a trial counts no MRR")
        #expect(subscription.version == SnapshotVersion(created: 100, eventID: "evt_1"))
        #expect(subscription.currentPeriodStart == Date(timeIntervalSince1970: 1_764_000_000))
        #expect(plan.changes.items["sub_1"]?.map(\.priceID) == ["price_team_monthly"])
        #expect(plan.changes.transitions.map(\.kind) == ["initial"])
        #expect(plan.changes.movements.isEmpty)
    }

    @Test func anOlderSnapshotIsRecordedAsStaleAndChangesNothing() throws {
        let current = fold([try sub("evt_2", 200, "active")])
        let plan = planner.plan([try sub("evt_1", 100, "trialing")], current: current)
        #expect(plan.changes.subscriptions.isEmpty)
        #expect(plan.changes.transitions.isEmpty)
        let stale = try #require(plan.changes.staleSnapshots.first)
        #expect(stale.eventID == "evt_1")
        #expect(stale.appliedEventID == "evt_2")
        #expect(stale.objectType == "subscription")
    }

    @Test func theSameEventAgainChangesNothingAndIsNotStale() throws {
        let first = try sub("evt_1", 100, "active")
        let plan = planner.plan([first], current: fold([first]))
        #expect(plan.changes.isEmpty)
        #expect(plan.alreadyApplied == 1)
    }

    @Test func aSecondTieIsBrokenByTheEventID() throws {
        // Two events in the same second: the larger id wins, whichever arrives first.
        let a = try sub("evt_a", 100, "past_due"), b = try sub("evt_b", 100, "active")
        #expect(fold([a, b]).subscriptions["sub_1"]?.status == .active)
        #expect(fold([b, a]).subscriptions["sub_1"]?.status == .active)
    }

    @Test func anUnexpectedTransitionIsAppliedAndReportedAsAnAnomaly() throws {
        let current = fold([try sub("evt_1", 100, "canceled")])
        let plan = planner.plan([try sub("evt_2", 200, "active")], current: current)
        #expect(plan.changes.subscriptions.first?.status == .active)
        #expect(plan.anomalies.map(\.toStatus) == [.active])
        #expect(plan.changes.transitions.first?.kind == "unexpected")
    }

    @Test func mrrMovesAreNewExpansionContractionChurnAndReactivation() throws {
        let events = [
            try sub("evt_1", 100, "trialing", type: "customer.subscription.created"),
            try sub("evt_2", 200, "active"),                                   // new 20,000
            try sub("evt_3", 300, "active", price: .enterprise),               // expansion to 80,000
            try sub("evt_4", 400, "active", price: .team, quantity: 2),         // contraction to 40,000
            try sub("evt_5", 500, "canceled", type: "customer.subscription.deleted"),  // churn
            try sub("evt_6", 600, "active", subscription: "sub_2"),           // the customer comes back
        ]
        var snapshot = LifecycleSnapshot()
        var movements: [MRRMovementRecord] = []
        for event in events {
            let plan = planner.plan([event], current: snapshot)
            movements += plan.changes.movements
            apply(plan.changes, to: &snapshot)
        }
        #expect(movements.map(\.kind) == [.new, .expansion, .contraction, .churn, .reactivation])
        #expect(movements.map(\.toMRR) == [20_000, 80_000, 40_000, 0, 20_000])
        #expect(movements.map(\.fromMRR) == [0, 20_000, 80_000, 40_000, 0])
        #expect(movements[0].occurredAt == Date(timeIntervalSince1970: 200))
    }

    @Test func yearlyPricesAndPercentDiscountsAreNormalisedToAMonthExactly() throws {
        let yearly = try event(StripeFixtures.subscriptionEvent(id: "evt_1", created: 1, subscription: "sub_1", customer: "cus_1",
                                                                status: "active", price: .teamYearly, percentOff: 15))
        let record = try #require(planner.plan([yearly], current: LifecycleSnapshot()).changes.subscriptions.first)
        // 200,000 / 12 = 16,666.67 → × 0.85 = 14,166.67 → 14,167, rounded once at the end.
        #expect(record.monthlyAmount == 14_167)
        #expect(record.mrr == 14_167)
    }

    @Test func anUnknownPriceIsKeptWithoutATierAndReported() throws {
        let unknown = StripeFixtures.Price(id: "price_mystery", unitAmount: 999, tier: nil)
        let plan = planner.plan([try sub("evt_1", 1, "active", price: unknown)], current: LifecycleSnapshot())
        #expect(plan.changes.subscriptions.first?.tier == nil)
        #expect(plan.changes.subscriptions.first?.status == .active)
        #expect(plan.unknownPrices.map(\.priceID) == ["price_mystery"])
        // The configured map is the third way to a plan.
        let legacy = StripeFixtures.Price(id: "price_legacy", unitAmount: 20_000, tier: nil)
        #expect(planner.plan([try sub("evt_2", 2, "active", price: legacy)], current: LifecycleSnapshot()).changes.subscriptions.first?.tier == .team)
    }

    @Test func paidAndPaymentSucceededCountOnePayment() throws {
        let plan = planner.plan([
            try inv("evt_i1", 300, "invoice.payment_failed", status: "open", attempts: 1),
            try inv("evt_i2", 400, "invoice.paid", status: "paid", paid: true, attempts: 2),
            try inv("evt_i3", 401, "invoice.payment_succeeded", status: "paid", paid: true, attempts: 2),
        ], current: LifecycleSnapshot())
        #expect(plan.paymentsRecorded == 1)
        let invoice = try #require(plan.changes.invoices.first)
        #expect(plan.changes.invoices.count == 1)
        #expect(invoice.status == "paid")
        #expect(invoice.paidAt == Date(timeIntervalSince1970: 1_764_400_000))
        #expect(invoice.lastEventID == "evt_i3")
        #expect(invoice.stripeSubscriptionID == "sub_1")
    }

    @Test func accountsCarryTheTenantAndContactsByRole() throws {
        let customer = try event(StripeFixtures.customerEvent(
            id: "evt_c", created: 1, customer: "cus_1", tenant: "tenant_42", email: "billing@acme.test",
            metadata: ["admin_email": "cto@acme.test, ops@acme.test", "account_manager_email": "am@vendor.test", "company": "Acme"]))
        let account = try #require(planner.plan([customer], current: LifecycleSnapshot()).changes.accounts.first)
        #expect(account.tenantID == "tenant_42")
        #expect(account.company == "Acme")
        #expect(account.contacts == ["billing": ["billing@acme.test"], "admin": ["cto@acme.test", "ops@acme.test"],
                                     "account_manager": ["am@vendor.test"]])
        // A subscription applied after its customer takes the tenant from the account.
        let subscription = planner.plan([try sub("evt_s", 2, "active")], current: fold([customer]))
        #expect(subscription.changes.subscriptions.first?.tenantID == "tenant_42")
    }

    /// Scenarios of the issue, each a list of events of one subscription (and its invoice).
    func scenarios() throws -> [String: [StripeObjectEvent]] {
        [
            "trial to cancel": [
                try sub("evt_01", 100, "trialing", type: "customer.subscription.created"),
                try sub("evt_02", 200, "active"),
                try inv("evt_03", 250, "invoice.payment_failed", status: "open", attempts: 1),
                try sub("evt_04", 300, "past_due"),
                try inv("evt_05", 400, "invoice.paid", status: "paid", paid: true, attempts: 2),
                try sub("evt_06", 400, "active"),
                try sub("evt_07", 500, "active", cancelAtPeriodEnd: true),
                try sub("evt_08", 600, "canceled", type: "customer.subscription.deleted", cancelAtPeriodEnd: true),
            ],
            "upgrade": [
                try sub("evt_11", 100, "active", type: "customer.subscription.created", price: .developer),
                try sub("evt_12", 200, "active", price: .team),
                try sub("evt_13", 300, "active", price: .enterprise, quantity: 3),
            ],
            "unpaid": [
                try sub("evt_21", 100, "active", type: "customer.subscription.created"),
                try sub("evt_22", 200, "past_due"),
                try sub("evt_23", 300, "unpaid"),
                try inv("evt_24", 300, "invoice.marked_uncollectible", status: "uncollectible", attempts: 4),
            ],
            "incomplete expires": [
                try sub("evt_31", 100, "incomplete", type: "customer.subscription.created"),
                try sub("evt_32", 200, "incomplete_expired"),
            ],
        ]
    }

    @Test func everyOrderOfEachScenarioWithDuplicatesEndsAsInOrderDelivery() throws {
        var generator = SeededGenerator(seed: 20261124)
        for (name, events) in try scenarios() {
            let expected = fold(events)
            var orders = 0
            for order in permutations(of: events) {
                // Random duplicates: some events delivered twice, at random places.
                var delivered = order
                for event in order where Bool.random(using: &generator) {
                    delivered.insert(event, at: Int.random(in: 0...delivered.count, using: &generator))
                }
                let batchSize = Int.random(in: 1...4, using: &generator)
                let result = fold(delivered, batchSize: batchSize)
                #expect(result.subscriptions == expected.subscriptions, "\(name): \(delivered.map(\.id)) in batches of \(batchSize)")
                #expect(result.invoices == expected.invoices, "\(name): \(delivered.map(\.id))")
                orders += 1
            }
            #expect(orders == (1...events.count).reduce(1, *))
        }
    }

    func permutations<T>(of items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        var result: [[T]] = []
        for index in items.indices {
            var rest = items
            let head = rest.remove(at: index)
            for tail in permutations(of: rest) { result.append([head] + tail) }
        }
        return result
    }
}

/// A small deterministic generator (SplitMix64), so a failing order can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
