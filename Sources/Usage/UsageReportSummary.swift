import AMQP
import BillingCore
import Foundation
import Intake
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Storage
import Stripe

/// What a reporter pass did.
public struct UsageReportSummary: Sendable, Equatable, CustomStringConvertible {
    /// Stored events placed into windows once their tenant had a live subscription.
    public var attributed = 0
    /// Meter reports planned.
    public var planned = 0
    /// Reports Stripe accepted.
    public var sent = 0
    /// Reports left pending to try again.
    public var retrying = 0
    /// Reports Stripe refused for good.
    public var failed = 0
    /// Quota alerts announced.
    public var alerts = 0

    /// A pass that did nothing yet.
    init() {}

    /// The pass in one line, for the log and `billing usage report`.
    public var description: String {
        "attributed \(attributed) events, planned \(planned) reports, sent \(sent), retrying \(retrying), failed \(failed), quota alerts \(alerts)"
    }
}
