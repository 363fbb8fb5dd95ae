import Testing

@testable import BillingCore

@Suite("Subscription state machine")
struct SubscriptionStateMachineTests {
    /// The expected transitions, written out independently of the implementation's table.
    static let allowed: Set<String> = [
        "incomplete>active", "incomplete>incomplete_expired", "incomplete>canceled",
        "trialing>active", "trialing>past_due", "trialing>paused", "trialing>canceled", "trialing>unpaid",
        "active>past_due", "active>unpaid", "active>canceled", "active>paused", "active>trialing",
        "past_due>active", "past_due>unpaid", "past_due>canceled", "past_due>paused",
        "unpaid>active", "unpaid>past_due", "unpaid>canceled",
        "paused>active", "paused>trialing", "paused>canceled",
    ]

    @Test(arguments: SubscriptionStatus.allCases)
    func everyPairIsClassified(from: SubscriptionStatus) {
        for to in SubscriptionStatus.allCases {
            let kind = SubscriptionStateMachine.classify(from: from, to: to)
            if from == to {
                #expect(kind == .unchanged)
            } else if Self.allowed.contains("\(from.rawValue)>\(to.rawValue)") {
                #expect(kind == .expected, "\(from) → \(to)")
            } else {
                #expect(kind == .unexpected, "\(from) → \(to)")
            }
        }
        #expect(SubscriptionStateMachine.classify(from: nil, to: from) == .initial)
    }

    @Test func terminalStatusesHaveNoWayOut() {
        for terminal in SubscriptionStatus.allCases where terminal.isTerminal {
            for next in SubscriptionStatus.allCases where next != terminal {
                #expect(SubscriptionStateMachine.classify(from: terminal, to: next) == .unexpected)
            }
        }
        #expect(SubscriptionStatus.allCases.filter(\.isTerminal) == [.incompleteExpired, .canceled])
    }

    @Test func statusesDecodeFromStripesNames() {
        #expect(SubscriptionStatus.allCases.map(\.rawValue).sorted()
            == ["active", "canceled", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"])
    }

    @Test func snapshotsAreOrderedByCreatedThenEventID() {
        let first = SnapshotVersion(created: 100, eventID: "evt_b")
        #expect(SnapshotDecision.decide(lastApplied: nil, incoming: first) == .apply)
        #expect(SnapshotDecision.decide(lastApplied: first, incoming: first) == .duplicate)
        #expect(SnapshotDecision.decide(lastApplied: first, incoming: SnapshotVersion(created: 101, eventID: "evt_a")) == .apply)
        #expect(SnapshotDecision.decide(lastApplied: first, incoming: SnapshotVersion(created: 99, eventID: "evt_z")) == .stale)
        // Same second: the event id decides, the same way whatever arrives first.
        #expect(SnapshotDecision.decide(lastApplied: first, incoming: SnapshotVersion(created: 100, eventID: "evt_c")) == .apply)
        #expect(SnapshotDecision.decide(lastApplied: first, incoming: SnapshotVersion(created: 100, eventID: "evt_a")) == .stale)
    }
}

/// A subscription as the lifecycle consumer will keep it, reduced to what ordering affects.
struct Snapshot: Hashable {
    var status: SubscriptionStatus
    var cancelAtPeriodEnd = false
    var tier: PlanTier = .team
}

struct Projection {
    var state: Snapshot?
    var version: SnapshotVersion?
    var unexpected = 0

    mutating func apply(_ event: (SnapshotVersion, Snapshot)) {
        switch SnapshotDecision.decide(lastApplied: version, incoming: event.0) {
        case .apply:
            if SubscriptionStateMachine.classify(from: state?.status, to: event.1.status) == .unexpected { unexpected += 1 }
            state = event.1
            version = event.0
        case .stale, .duplicate:
            break
        }
    }
}

@Suite("Out-of-order delivery")
struct OutOfOrderDeliveryTests {
    static func events(_ snapshots: [Snapshot], sameSecondFrom tie: Int? = nil) -> [(SnapshotVersion, Snapshot)] {
        snapshots.enumerated().map { index, snapshot in
            // Optionally two events in the same second, as Stripe sends on renewals.
            let created = Int64(1_700_000_000 + (tie.map { index > $0 ? index - 1 : index } ?? index) * 60)
            return (SnapshotVersion(created: created, eventID: "evt_\(index)"), snapshot)
        }
    }

    static let scenarios: [String: [(SnapshotVersion, Snapshot)]] = [
        "trial to cancellation": events([
            Snapshot(status: .trialing), Snapshot(status: .active), Snapshot(status: .pastDue), Snapshot(status: .active),
            Snapshot(status: .active, cancelAtPeriodEnd: true), Snapshot(status: .canceled, cancelAtPeriodEnd: true),
        ]),
        "upgrade": events([
            Snapshot(status: .active, tier: .developer), Snapshot(status: .active, tier: .team), Snapshot(status: .active, tier: .enterprise),
        ], sameSecondFrom: 1),
        "unpaid": events([Snapshot(status: .active), Snapshot(status: .pastDue), Snapshot(status: .pastDue), Snapshot(status: .unpaid)]),
        "incomplete expires": events([Snapshot(status: .incomplete), Snapshot(status: .incompleteExpired)]),
    ]

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index -> [[T]] in
            var rest = items
            let head = rest.remove(at: index)
            return permutations(rest).map { [head] + $0 }
        }
    }

    @Test(arguments: scenarios.keys.sorted())
    func everyPermutationWithDuplicatesEndsAsInOrderDelivery(_ name: String) {
        let events = Self.scenarios[name]!
        var inOrder = Projection()
        for event in events { inOrder.apply(event) }
        #expect(inOrder.state == events.last!.1)
        #expect(inOrder.unexpected == 0, "the scenario itself follows Stripe's lifecycle")

        var generator = SystemRandomNumberGenerator()
        var checked = 0
        for permutation in Self.permutations(events) {
            // Each event duplicated at a random later place, as Stripe's retries do.
            var delivery = permutation
            for event in permutation where Bool.random(using: &generator) {
                delivery.insert(event, at: Int.random(in: 0...delivery.count, using: &generator))
            }
            var projection = Projection()
            for event in delivery { projection.apply(event) }
            #expect(projection.state == inOrder.state)
            #expect(projection.version == inOrder.version)
            checked += 1
        }
        #expect(checked == (1...events.count).reduce(1, *))
    }
}
