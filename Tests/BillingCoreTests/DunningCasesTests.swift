import Testing

@testable import BillingCore

@Suite("Dunning cases")
struct DunningCasesTests {
    let day: Int64 = 86_400
    let t0: Int64 = 1_795_478_400

    func failed(_ existing: DunningCase?, attempts: Int = 1, at: Int64? = nil, tier: PlanTier = .team) -> DunningCaseDecision {
        DunningCases.paymentFailed(existing: existing, invoiceID: "in_1", tenantID: "t1", tier: tier, attempts: attempts, at: at ?? t0,
                                   policy: .seed, daySeconds: day)
    }

    func open(_ invoice: String, openedAt: Int64, tier: PlanTier = .team) -> DunningCase {
        DunningCase(invoiceID: invoice, tenantID: "t1", tier: tier, status: .open, openedAt: openedAt, attempts: 1)
    }

    @Test func theFirstFailureOpensOneCaseWithTheTiersSchedule() {
        guard case .open(let opened, let steps) = failed(nil) else { Issue.record("expected a case"); return }
        #expect(opened.openedAt == t0)
        #expect(opened.status == .open)
        #expect(steps == DunningPlanner.plan(policy: .seed, failedAt: t0, tier: .team))
    }

    @Test func laterFailuresOfTheSameInvoiceOnlyCountAttempts() {
        let existing = open("in_1", openedAt: t0)
        #expect(failed(existing, attempts: 2, at: t0 + day) == .recordAttempt(attempts: 2))
        // The same failure again (a duplicate, or Stripe resending it) changes nothing.
        #expect(failed(existing, attempts: 1) == .ignore("attempt 1 already recorded"))
    }

    @Test func settlingClosesOnceAndSettlingFirstKeepsTheFailureFromOpeningACase() {
        let existing = open("in_1", openedAt: t0)
        #expect(DunningCases.settled(existing: existing, reason: .paid, at: t0 + 2 * day) == .close(.paid, at: t0 + 2 * day))
        var closed = existing
        closed.status = .closed
        closed.closeReason = .paid
        #expect(DunningCases.settled(existing: closed, reason: .voided, at: t0 + 3 * day) == .ignore("already closed (paid)"))
        // invoice.paid delivered before invoice.payment_failed:
        #expect(DunningCases.settled(existing: nil, reason: .paid, at: t0 + day) == .closeBeforeOpening(.paid, at: t0 + day))
        let tombstone = DunningCase(invoiceID: "in_1", tenantID: nil, tier: nil, status: .closed, openedAt: t0 + day, attempts: 0,
                                    closedAt: t0 + day, closeReason: .paid)
        #expect(failed(tombstone) == .ignore("the invoice was settled (paid) before this failure arrived"))
    }

    @Test func theOldestOpenCaseDecidesTheServiceState() {
        let older = open("in_old", openedAt: t0)
        let newer = open("in_new", openedAt: t0 + 10 * day)
        func state(_ cases: [DunningCase], day n: Int64) -> ServiceState {
            DunningCases.serviceState(openCases: cases, now: t0 + n * day, policy: .seed, daySeconds: day)
        }
        #expect(state([older, newer], day: 13) == .normal)
        #expect(state([older, newer], day: 14) == .degraded)   // team: degraded after 14 days of the oldest
        #expect(state([older, newer], day: 30) == .suspended)
        // Paying the newer invoice changes nothing while the older is unpaid.
        #expect(state([older], day: 30) == .suspended)
        // Paying the oldest re-anchors to the next-oldest: 20 days into it, degraded only.
        #expect(state([newer], day: 30) == .degraded)
        #expect(state([newer], day: 23) == .normal)
        #expect(state([], day: 30) == .normal)
    }

    @Test func graceEndsWithPaymentOverdue() {
        let enterprise = open("in_e", openedAt: t0, tier: .enterprise)
        #expect(!DunningCases.paymentOverdue(openCases: [enterprise], now: t0 + 6 * day, policy: .seed, daySeconds: day))
        #expect(DunningCases.paymentOverdue(openCases: [enterprise], now: t0 + 7 * day, policy: .seed, daySeconds: day))
        #expect(!DunningCases.paymentOverdue(openCases: [], now: t0 + 70 * day, policy: .seed, daySeconds: day))
    }
}
