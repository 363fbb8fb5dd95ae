/// Plans a dunning case's dated steps from the policy, and decides which overdue steps still run after downtime.
public enum DunningPlanner {
    /// The steps of a case opened by a payment that failed at `failedAt` (unix seconds), for a
    /// subscription of `tier`. `daySeconds` is a "day" (86,400; shorter in tests and demos).
    public static func plan(policy: DunningPolicy, failedAt: Int64, tier: PlanTier?, daySeconds: Int64 = 86_400) -> [PlannedStep] {
        let schedule = policy.schedule(for: tier)
        func at(_ day: Int) -> Int64 { failedAt + Int64(day) * daySeconds }
        var steps: [PlannedStep] = []
        if policy.retries == .worker {
            for day in Set(schedule.retryDays) { steps.append(PlannedStep(kind: .retry, day: day, dueAt: at(day))) }
        }
        let retryDays = policy.retries == .worker ? Set(schedule.retryDays) : []
        for day in Set(schedule.notifyDays) {
            // The first notice says the payment failed; later ones say when it is tried
            // again, while a retry is still ahead.
            let retryAhead = retryDays.contains { $0 > day }
            let template = day == 0 || !retryAhead ? "payment_failed" : "payment_retry_scheduled"
            steps.append(PlannedStep(kind: .notify, day: day, dueAt: at(day), roles: schedule.notifyRoles, template: template))
        }
        for day in Set(schedule.outreachDays) {
            steps.append(PlannedStep(kind: .outreach, day: day, dueAt: at(day), roles: [.accountManager], template: "account_manager_outreach"))
        }
        if let day = schedule.degradeAfterDays {
            steps.append(PlannedStep(kind: .degrade, day: day, dueAt: at(day), roles: schedule.notifyRoles, template: "service_degraded"))
        }
        if let day = schedule.suspendAfterDays {
            steps.append(PlannedStep(kind: .suspend, day: day, dueAt: at(day), roles: schedule.notifyRoles, template: "service_suspended"))
            if case .cancel(let after) = policy.afterSuspension {
                steps.append(PlannedStep(kind: .cancel, day: day + after, dueAt: at(day + after), roles: schedule.notifyRoles,
                                         template: "subscription_canceled"))
            }
        }
        return steps.sorted()
    }

    /// Of the steps due at once after downtime, what still makes sense: only the latest
    /// overdue retry runs (the earlier ones would charge the same invoice again), overdue
    /// notifications collapse into the latest one, and every restriction runs (in order).
    /// Returns the steps to run and those to skip, each in due order.
    package static func catchUp(_ due: [PlannedStep]) -> (run: [PlannedStep], skip: [PlannedStep]) {
        catchUp(due, planned: { $0 })
    }

    /// ``catchUp(_:)`` over any step type, seen through `planned`.
    public static func catchUp<Step>(_ due: [Step], planned: (Step) -> PlannedStep) -> (run: [Step], skip: [Step]) {
        let order = due.indices.sorted { planned(due[$0]) < planned(due[$1]) }
        let latestRetry = order.last { planned(due[$0]).kind == .retry }
        let latestNotice = order.last { planned(due[$0]).kind == .notify }
        var run: [Step] = [], skip: [Step] = []
        for index in order {
            switch planned(due[index]).kind {
            case .retry where index != latestRetry, .notify where index != latestNotice:
                skip.append(due[index])
            default:
                run.append(due[index])
            }
        }
        return (run, skip)
    }
}
