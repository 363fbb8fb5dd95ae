import BillingCore
import Foundation

/// How dunning runs.
public struct DunningSettings: Sendable, Equatable {
    /// The dunning policy file (`BILLING_DUNNING_FILE`).
    public var policyFile: String
    /// How long a schedule's day lasts, in seconds: 86,400, or less in tests and demos.
    public var daySeconds: Int64
    /// How often the scheduler looks for due steps.
    public var schedulerInterval: Duration

    /// Settings from their parts; the defaults are the environment's.
    public init(policyFile: String = "config/dunning.yaml", daySeconds: Int64 = 86_400, schedulerInterval: Duration = .seconds(1)) {
        self.policyFile = policyFile
        self.daySeconds = daySeconds
        self.schedulerInterval = schedulerInterval
    }
}
