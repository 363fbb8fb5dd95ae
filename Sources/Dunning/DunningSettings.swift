import BillingCore
import Foundation

/// How dunning runs.
public struct DunningSettings: Sendable, Equatable {
    public var policyFile: String
    public var daySeconds: Int64
    public var schedulerInterval: Duration

    public init(policyFile: String = "config/dunning.yaml", daySeconds: Int64 = 86_400, schedulerInterval: Duration = .seconds(1)) {
        self.policyFile = policyFile
        self.daySeconds = daySeconds
        self.schedulerInterval = schedulerInterval
    }
}
