import Testing

@testable import BillingCore

@Suite("Dunning planner")
struct DunningPlannerTests {
    let failedAt: Int64 = 1_795_478_400
    let day: Int64 = 86_400

    func summary(_ steps: [PlannedStep]) -> [String] {
        steps.map { "\($0.day) \($0.kind.rawValue)\($0.template.map { " \($0)" } ?? "")" }
    }

    @Test func theEnterpriseScheduleIsTheSeeds() {
        let steps = DunningPlanner.plan(policy: .seed, failedAt: failedAt, tier: .enterprise)
        #expect(summary(steps) == [
            "0 notify payment_failed",
            "1 retry", "1 outreach account_manager_outreach",
            "3 notify payment_retry_scheduled",
            "7 retry", "7 notify payment_retry_scheduled",
            "14 retry", "14 notify payment_retry_scheduled",
            "21 retry", "21 notify payment_failed",
            "30 degrade service_degraded",
            "45 suspend service_suspended",
        ])
        #expect(steps.first { $0.kind == .notify }?.roles == [.billing, .admin, .accountManager])
        #expect(steps.first { $0.kind == .outreach }?.roles == [.accountManager])
        #expect(steps.first { $0.kind == .suspend }?.dueAt == failedAt + 45 * day)
        #expect(Set(steps.map(\.key)).count == steps.count, "keys are unique within a case")
    }

    @Test func teamAndDeveloperShareTheTeamSchedule() {
        let team = DunningPlanner.plan(policy: .seed, failedAt: failedAt, tier: .team)
        #expect(summary(team) == [
            "0 notify payment_failed", "1 retry", "3 retry", "3 notify payment_retry_scheduled", "7 retry",
            "7 notify payment_retry_scheduled", "14 retry", "14 notify payment_failed", "14 degrade service_degraded",
            "30 suspend service_suspended",
        ])
        #expect(team.first { $0.kind == .notify }?.roles == [.billing, .admin])
        #expect(DunningPlanner.plan(policy: .seed, failedAt: failedAt, tier: .developer) == team)
        #expect(DunningPlanner.plan(policy: .seed, failedAt: failedAt, tier: nil) == team)
    }

    @Test func stripeSmartRetriesLeaveOnlyNoticesAndRestrictions() {
        var policy = DunningPolicy.seed
        policy.retries = .stripe
        let steps = DunningPlanner.plan(policy: policy, failedAt: failedAt, tier: .team)
        #expect(!steps.contains { $0.kind == .retry })
        #expect(steps.filter { $0.kind == .notify }.allSatisfy { $0.template == "payment_failed" })
    }

    @Test func cancellationAfterSuspensionIsOptional() {
        var policy = DunningPolicy.seed
        policy.afterSuspension = .cancel(afterDays: 10)
        let steps = DunningPlanner.plan(policy: policy, failedAt: failedAt, tier: .team)
        #expect(summary(steps).last == "40 cancel subscription_canceled")
    }

    @Test func aShortDayShrinksTheWholeSchedule() {
        let steps = DunningPlanner.plan(policy: .seed, failedAt: 1_000, tier: .enterprise, daySeconds: 1)
        #expect(steps.map(\.dueAt).max() == 1_045)
    }

    @Test func afterDowntimeOnlyTheLatestRetryAndNoticeRun() {
        let steps = DunningPlanner.plan(policy: .seed, failedAt: failedAt, tier: .team)
        // Down from day 0 to day 15: everything up to day 14 is due at once.
        let due = steps.filter { $0.dueAt <= failedAt + 15 * day }
        let (run, skip) = DunningPlanner.catchUp(due)
        #expect(summary(run) == ["14 retry", "14 notify payment_failed", "14 degrade service_degraded"])
        #expect(summary(skip) == ["0 notify payment_failed", "1 retry", "3 retry", "3 notify payment_retry_scheduled", "7 retry",
                                  "7 notify payment_retry_scheduled"])
        // In normal operation one step is due at a time: it runs.
        #expect(DunningPlanner.catchUp([steps[0]]).run == [steps[0]])
    }
}
