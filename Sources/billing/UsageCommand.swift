import AMQP
import ArgumentParser
import BillingCore
import ConfigurationFiles
import ConsumerRuntime
import Dunning
import Foundation
import Intake
import Lifecycle
import Notifications
import Prometheus
import Settings
import Storage
import Stripe
import Usage

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Report usage to Stripe's meters now, and reconcile what was reported.",
        subcommands: [Report.self, Reconcile.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one reporter pass: attribute usage, plan and send meter events (what serve does every interval).")

        @Flag(help: "Run the pass now (required: the periodic reporter runs inside serve and schedule).")
        var now = false

        @Flag(help: "Put reports Stripe refused back to pending first (after fixing the cause).")
        var retryFailed = false

        func validate() throws {
            guard now else { throw ValidationError("say --now to report at once") }
        }

        func run() async throws {
            try await Startup.run("billing.usage") { environment, logger in
                let configuration = try ServeConfiguration(environment: environment)
                let plans = try PlanCatalogFile.load(path: configuration.plansFile)
                let settings = try configuration.usage.load()
                try await Database.withDatabase(configuration: configuration.database, logger: logger) { database in
                    try await AMQPConnection.withConnection(configuration: configuration.amqp, logger: logger) { amqp in
                        if retryFailed {
                            let count = try await MeterReportStore.withConnection(on: database.client, logger: logger) { try await $0.retryFailed() }
                            print("\(count) refused report\(count == 1 ? "" : "s") back to pending")
                        }
                        let reporter = UsageReporter(database: database.client, stripe: StripeClient(configuration: configuration.stripe.api, logger: logger),
                                                     settings: settings, plans: plans, publisher: amqp, registry: PrometheusCollectorRegistry(),
                                                     logger: logger)
                        let started = ContinuousClock.now
                        let summary = try await reporter.runOnce()
                        print("\(summary) in \(ContinuousClock.now - started)")
                    }
                }
            }
        }
    }

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare each window's local total with what Stripe accepted, and print the differences.")

        @Option(help: "current (windows not ended yet), or a month YYYY-MM (windows ending in it).")
        var period = "current"

        @Flag(help: "Print every window, not only those that differ.")
        var all = false

        func run() async throws {
            let range = try Self.range(period, now: Date())
            try await Startup.run("billing.usage") { environment, logger in
                let configuration = try environment.database()
                let windows = try await Database.withDatabase(configuration: configuration, logger: logger) { database in
                    try await MeterReportStore.withConnection(on: database.client, logger: logger) { store in
                        try await store.reconciledWindows(endingAfter: range.start, through: range.end)
                    }
                }
                let differing = windows.filter { $0.local != $0.sent }
                print("\(windows.count) window\(windows.count == 1 ? "" : "s") in \(period); \(differing.count) differ from what Stripe accepted")
                let shown = all ? windows : differing
                guard !shown.isEmpty else { return }
                print("tenant\tmetric\twindow\tlocal\tsent\tpending\tfailed\tunreported")
                for window in shown {
                    let span = "\(window.windowKind) \(window.windowStart.formatted(.iso8601))..\(window.windowEnd.formatted(.iso8601))"
                    print("\(window.tenantID)\t\(window.metric)\t\(span)\t\(window.local)\t\(window.sent)\t\(window.pending)\t\(window.failed)\t\(window.local - window.sent)")
                }
            }
        }

        /// `current`: windows ending after now; `YYYY-MM`: windows ending in that month (UTC).
        static func range(_ text: String, now: Date) throws -> (start: Date, end: Date) {
            if text == "current" { return (now, .distantFuture) }
            let parts = text.split(separator: "-")
            guard parts.count == 2, let year = Int64(parts[0]), let month = Int64(parts[1]), (1...12).contains(month), let first = UTCDay(year: year, month: month, day: 1)
            else { throw ValidationError("--period must be current or a month such as 2026-11") }
            let next = month == 12 ? UTCDay(year: year + 1, month: 1, day: 1)! : UTCDay(year: year, month: month + 1, day: 1)!
            return (Date(timeIntervalSince1970: TimeInterval(first.startSeconds)), Date(timeIntervalSince1970: TimeInterval(next.startSeconds)))
        }
    }
}
