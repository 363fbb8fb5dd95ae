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
    public var attributed = 0
    public var planned = 0
    public var sent = 0
    public var retrying = 0
    public var failed = 0
    public var alerts = 0

    public init() {}

    public var description: String {
        "attributed \(attributed) events, planned \(planned) reports, sent \(sent), retrying \(retrying), failed \(failed), quota alerts \(alerts)"
    }
}
