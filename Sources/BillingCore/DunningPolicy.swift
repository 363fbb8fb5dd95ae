/// The whole dunning policy (`config/dunning.yaml`).
public struct DunningPolicy: Sendable, Hashable {
    /// Who charges again: this worker (`worker`), or Stripe's Smart Retries (`stripe`: the
    /// worker only notifies and restricts service).
    public enum RetryOwner: String, Sendable, Hashable { case worker, stripe }

    /// What happens to a subscription once its tenant is suspended.
    public enum AfterSuspension: Sendable, Hashable {
        case staySuspended
        /// Cancel the subscription this many days after suspension.
        case cancel(afterDays: Int)
    }

    /// Each tier's schedule; a tier without one follows team's (``schedule(for:)``).
    public var schedules: [PlanTier: DunningSchedule]
    /// Who charges the invoice again.
    public var retries: RetryOwner
    /// Whether a suspended subscription stays suspended or is canceled some days later.
    public var afterSuspension: AfterSuspension

    /// A policy from its schedules; by default the worker retries and a suspended subscription stays suspended.
    public init(schedules: [PlanTier: DunningSchedule], retries: RetryOwner = .worker, afterSuspension: AfterSuspension = .staySuspended) {
        self.schedules = schedules
        self.retries = retries
        self.afterSuspension = afterSuspension
    }

    /// The seed's policy: enterprise and team as given, developer on team's schedule.
    public static let seed = DunningPolicy(schedules: [.enterprise: .enterprise, .team: .team, .developer: .team])

    /// The tier's schedule; a subscription without a known tier gets team's.
    public func schedule(for tier: PlanTier?) -> DunningSchedule {
        tier.flatMap { schedules[$0] } ?? schedules[.team] ?? .team
    }
}
