import BillingCore
import Foundation
import Logging
import PostgresNIO
import Prometheus
import Storage
import Stripe
import Testing

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

extension Integration {
    /// The meter-event reporter against PostgreSQL and the local fake of Stripe's API.
    @Suite("Usage reporter")
    struct UsageReporterTests {
        let logger = TestServers.logger
        static let settings = UsageReportingSettings(meters: [.apiCalls: MeterSettings(eventName: "api_calls"),
                                                              .storageGB: MeterSettings(eventName: "storage_mb")],
                                                     concurrency: 4, claimLease: .milliseconds(500), retryAfter: .milliseconds(100))

        static func reporter(_ database: Database, base: String, settings: UsageReportingSettings = settings) -> UsageReporter {
            let stripe = StripeClient(configuration: .init(apiKey: "sk_test_fake", baseURL: base,
                                                           retry: StripeRetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(40))),
                                      logger: TestServers.logger)
            return UsageReporter(database: database.client, stripe: stripe, settings: settings, plans: UsageConsumerTests.plans,
                                 publisher: RecordingPublisher(), registry: PrometheusCollectorRegistry(), logger: TestServers.logger)
        }

        /// Records usage as the consumer does (placed by the tenant's live period, if any).
        func use(_ database: Database, tenant: String, _ reports: [(id: String, metric: String, units: Int64, at: Int64)]) async throws {
            try await database.client.withTransaction(logger: logger) { connection in
                let store = UsageStore(connection: connection, logger: logger)
                let records = reports.map {
                    UsageEventRecord(eventID: $0.id, tenantID: tenant, metric: $0.metric, units: $0.units, occurredAt: Date(timeIntervalSince1970: TimeInterval($0.at)))
                }
                let periods = try await store.livePeriods(tenantIDs: [tenant])
                _ = try await store.record(UsageHandler.place(records, periods: periods, now: Int64(Date().timeIntervalSince1970)))
            }
        }

        /// The meter events of one customer that took effect, as `identifier value` lines.
        func effects(_ stripe: FakeStripe, customer: String) -> [String] {
            stripe.effects.filter { $0.path == "/v1/billing/meter_events" && $0.form["payload[stripe_customer_id]"] == customer }
                .map { "\($0.form["event_name"] ?? "") \($0.form["identifier"] ?? "") \($0.form["payload[value]"] ?? "")" }.sorted()
        }

        /// Runs `body` with a new tenant name (`tenant_<prefix>_<tag>`), the time, and the migrated
        /// database; with `drainingOthers`, after reporting what other tests left (see ``drain(_:)``).
        func withTenant(_ prefix: String, drainingOthers: Bool = false,
                        _ body: (_ tag: String, _ tenant: String, _ now: Int64, _ database: Database) async throws -> Void) async throws {
            let tag = String(UUID().uuidString.prefix(8).lowercased())
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { (database) async throws -> Void in
                try await Migrator().migrate(database.client, logger: logger)
                if drainingOthers { try await drain(database) }
                try await body(tag, "tenant_\(prefix)_\(tag)", Int64(Date().timeIntervalSince1970), database)
            }
        }

        /// Reports whatever other tests left unreported (the reporter works on every tenant), so
        /// that a test's scripted answers meet only its own reports.
        func drain(_ database: Database) async throws {
            try await FakeStripe().run { base in
                let reporter = Self.reporter(database, base: base, settings: UsageReportingSettings(
                    meters: Self.settings.meters, concurrency: 8, claimLease: .milliseconds(1), retryAfter: .milliseconds(1)))
                _ = try await reporter.runOnce()
            }
        }

        func reconcile(_ database: Database, tenant: String) async throws -> [ReconciledWindow] {
            try await MeterReportStore.withConnection(on: database.client, logger: logger) { store in
                try await store.reconciledWindows(endingAfter: Date(), through: .distantFuture).filter { $0.tenantID == tenant }
            }
        }

        @Test func reportsEachWindowsNewUsageOnceAndNothingTwice() async throws {
            try await withTenant("report") { (tag, tenant, now, database) async throws -> Void in
                let periodStart = now - 2 * 86_400
                let end = periodStart + 30 * 86_400
                try await UsageFixtures.subscribe(tenant: tenant, tag: tag, periodStart: periodStart, database: database)
                try await use(database, tenant: tenant, [("u_\(tag)_1", "api_calls", 1_000, now - 600), ("u_\(tag)_2", "api_calls", 500, now - 300),
                                                         ("u_\(tag)_3", "storage_gb", 2_000, now - 500), ("u_\(tag)_4", "storage_gb", 2_500, now - 200)])
                let stripe = FakeStripe()
                try await stripe.run { base in
                    let reporter = Self.reporter(database, base: base)
                    _ = try await reporter.runOnce()
                    #expect(effects(stripe, customer: "cus_\(tag)") == [
                        "api_calls usage:\(tenant):api_calls:\(end):1 1500", "storage_mb usage:\(tenant):storage_gb:\(end):1 2500",
                    ])
                    let storage = try #require(stripe.effects.first { $0.form["identifier"] == "usage:\(tenant):storage_gb:\(end):1" })
                    #expect(storage.form["timestamp"] == String(now - 200))  // the level's own time
                    #expect(storage.idempotencyKey == "usage:\(tenant):storage_gb:\(end):1")
                    // Nothing new: nothing sent.
                    _ = try await reporter.runOnce()
                    #expect(effects(stripe, customer: "cus_\(tag)").count == 2)
                    // New calls report their delta under the next number; the same storage level is not sent again.
                    try await use(database, tenant: tenant, [("u_\(tag)_5", "api_calls", 250, now - 100), ("u_\(tag)_6", "storage_gb", 2_500, now - 50)])
                    _ = try await reporter.runOnce()
                    #expect(effects(stripe, customer: "cus_\(tag)") == [
                        "api_calls usage:\(tenant):api_calls:\(end):1 1500", "api_calls usage:\(tenant):api_calls:\(end):2 250",
                        "storage_mb usage:\(tenant):storage_gb:\(end):1 2500",
                    ])
                    let windows = try await reconcile(database, tenant: tenant)
                    #expect(windows.map { "\($0.metric) \($0.local) \($0.sent)" } == ["api_calls 1750 1750", "storage_gb 2500 2500"])
                }
            }
        }

        @Test func aCrashAfterStripeAcceptedAReportResendsItUnderTheSameIdentifier() async throws {
            try await withTenant("crash") { (tag, tenant, now, database) async throws -> Void in
                let periodStart = now - 86_400
                try await UsageFixtures.subscribe(tenant: tenant, tag: tag, periodStart: periodStart, database: database)
                try await use(database, tenant: tenant, [("u_\(tag)_1", "api_calls", 4_321, now - 60)])
                let stripe = FakeStripe()
                try await stripe.run { base in
                    let reporter = Self.reporter(database, base: base)
                    _ = try await MeterReportStore.withTransaction(on: database.client, logger: logger) { store in
                        try await store.planReports(metrics: ["api_calls": "api_calls"], now: Date(), limit: 100_000)
                    }
                    let claimed = try await MeterReportStore.withTransaction(on: database.client, logger: logger) { store in
                        try await store.claim(limit: 1_000, lease: .milliseconds(500)).filter { $0.tenantID == tenant }
                    }
                    let report = try #require(claimed.first)
                    // Stripe accepts it; the process dies before it records that.
                    #expect(await reporter.sendOne(report) == .sent)
                    // More usage meanwhile belongs to the next report, not this one.
                    try await use(database, tenant: tenant, [("u_\(tag)_2", "api_calls", 9, now - 30)])
                    try await Task.sleep(for: .milliseconds(600))  // the dead reporter's claim runs out
                    _ = try await reporter.runOnce()  // resends the pending report
                    _ = try await reporter.runOnce()  // the window's next report
                    let sent = stripe.requests.filter { $0.form["payload[stripe_customer_id]"] == "cus_\(tag)" }
                    let first = "usage:\(tenant):api_calls:\(periodStart + 30 * 86_400):1"
                    #expect(sent.filter { $0.form["identifier"] == first }.map { $0.form["payload[value]"] } == ["4321", "4321"])
                    // Stripe keeps an identifier once: the resend counted nothing.
                    #expect(effects(stripe, customer: "cus_\(tag)").map { $0.split(separator: " ").last! } == ["4321", "9"])
                    #expect(try await reconcile(database, tenant: tenant).map { "\($0.local) \($0.sent) \($0.pending)" } == ["4330 4330 0"])
                }
            }
        }

        @Test func aStormOf429sIsSurvivedWithOneEffect() async throws {
            try await withTenant("throttled", drainingOthers: true) { (tag, tenant, now, database) async throws -> Void in
                try await UsageFixtures.subscribe(tenant: tenant, tag: tag, periodStart: now - 86_400, database: database)
                try await use(database, tenant: tenant, [("u_\(tag)_1", "api_calls", 77, now - 60)])
                let stripe = FakeStripe()
                let meters = UsageReportingSettings(meters: [.apiCalls: MeterSettings(eventName: "api_calls_\(tag)")], concurrency: 1,
                                                    claimLease: .seconds(5), retryAfter: .milliseconds(100))
                // Ten 429s: the client's four attempts use up four, the first pass leaves the report pending.
                stripe.script("/v1/billing/meter_events", Array(repeating: .tooManyRequests, count: 10))
                try await stripe.run { base in
                    let reporter = Self.reporter(database, base: base, settings: meters)
                    // The pass keeps going while it has claims: the throttled report comes back after
                    // retry_after (100 ms here), twice, and goes through on the third claim.
                    var retrying = 0, sent = 0
                    for _ in 0..<10 where effects(stripe, customer: "cus_\(tag)").isEmpty {
                        let summary = try await reporter.runOnce()
                        retrying += summary.retrying
                        sent += summary.sent
                        try await Task.sleep(for: .milliseconds(150))
                    }
                    #expect(retrying == 2 && sent == 1)
                    #expect(effects(stripe, customer: "cus_\(tag)") == ["api_calls_\(tag) usage:\(tenant):api_calls:\(now - 86_400 + 30 * 86_400):1 77"])
                    #expect(stripe.requests.filter { $0.form["payload[stripe_customer_id]"] == "cus_\(tag)" }.count == 11)
                }
            }
        }

        @Test func aRefusedReportIsRecordedAndSentAgainOnlyWhenRetried() async throws {
            try await withTenant("refused", drainingOthers: true) { (tag, tenant, now, database) async throws -> Void in
                try await UsageFixtures.subscribe(tenant: tenant, tag: tag, periodStart: now - 86_400, database: database)
                try await use(database, tenant: tenant, [("u_\(tag)_1", "api_calls", 5, now - 60)])
                let stripe = FakeStripe()
                let meters = UsageReportingSettings(meters: [.apiCalls: MeterSettings(eventName: "calls_\(tag)")], concurrency: 1)
                stripe.script("/v1/billing/meter_events", [.answer(status: 400, body: #"{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such meter: calls"}}"#)])
                try await stripe.run { base in
                    let reporter = Self.reporter(database, base: base, settings: meters)
                    #expect(try await reporter.runOnce().failed == 1)
                    let rows = try await database.client.query(
                        "SELECT status, last_error FROM usage_meter_reports WHERE tenant_id = \(tenant)", logger: logger)
                    var states: [String] = []
                    for try await (status, error) in rows.decode((String, String?).self) { states.append("\(status): \(error ?? "")") }
                    #expect(states.count == 1 && states[0].hasPrefix("failed: Stripe answered 400") && states[0].contains("No such meter"))
                    #expect(try await reporter.runOnce().failed == 0)  // not resent on its own
                    #expect(effects(stripe, customer: "cus_\(tag)").isEmpty)
                    #expect(try await MeterReportStore.withConnection(on: database.client, logger: logger) { try await $0.retryFailed() } >= 1)
                    _ = try await reporter.runOnce()
                    #expect(effects(stripe, customer: "cus_\(tag)") == ["calls_\(tag) usage:\(tenant):api_calls:\(now - 86_400 + 30 * 86_400):1 5"])
                }
            }
        }

        @Test func usageOfATenantWithoutASubscriptionIsKeptAndReportedOnceOneAppears() async throws {
            try await withTenant("early") { (tag, tenant, now, database) async throws -> Void in
                try await use(database, tenant: tenant, [("u_\(tag)_1", "api_calls", 30, now - 3_600), ("u_\(tag)_2", "api_calls", 12, now - 1_800)])
                let stripe = FakeStripe()
                try await stripe.run { base in
                    let reporter = Self.reporter(database, base: base)
                    _ = try await reporter.runOnce()
                    #expect(effects(stripe, customer: "cus_\(tag)").isEmpty)
                    let kept = try await database.client.query(
                        "SELECT count(*)::int, sum(units)::bigint, bool_or(attributed) FROM usage_events WHERE tenant_id = \(tenant)", logger: logger)
                    for try await (count, sum, attributed) in kept.decode((Int, Int64, Bool).self) {
                        #expect(count == 2 && sum == 42 && !attributed)
                    }
                    try await UsageFixtures.subscribe(tenant: tenant, tag: tag, periodStart: now - 7_200, database: database)
                    let summary = try await reporter.runOnce()
                    #expect(summary.attributed >= 2)
                    #expect(effects(stripe, customer: "cus_\(tag)") == ["api_calls usage:\(tenant):api_calls:\(now - 7_200 + 30 * 86_400):1 42"])
                    _ = try await reporter.runOnce()  // attributed once: a second pass adds nothing
                    #expect(effects(stripe, customer: "cus_\(tag)").count == 1)
                }
            }
        }
    
        @Test func theUsageCommandsReportAndReconcileAsAnOperatorRunsThem() async throws {
            try await withTenant("cli", drainingOthers: true) { (tag, tenant, now, database) async throws -> Void in
                try await UsageFixtures.subscribe(tenant: tenant, tag: tag, periodStart: now - 86_400, database: database)
                try await use(database, tenant: tenant, [("u_\(tag)_1", "api_calls", 123, now - 60)])
                let stripe = FakeStripe()
                try await stripe.run { base in
                    var environment = ServeProcess.environment
                    environment["STRIPE_API_BASE"] = base
                    func billing(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
                        try TestServers.runCapturing(TestServers.billingExecutable, arguments, environment: environment)
                    }
                    let before = try billing("usage", "reconcile", "--period", "current")
                    #expect(before.status == 0, "\(before.stderr)")
                    #expect(before.stdout.split(separator: "\n").contains { $0.hasPrefix("\(tenant)\tapi_calls\t") && $0.hasSuffix("\t123\t0\t0\t0\t123") })
                    let report = try billing("usage", "report", "--now")
                    #expect(report.status == 0, "\(report.stderr)")
                    #expect(report.stdout.contains("planned") && report.stdout.contains("failed 0"))
                    #expect(effects(stripe, customer: "cus_\(tag)") == ["api_calls usage:\(tenant):api_calls:\(now - 86_400 + 30 * 86_400):1 123"])
                    let after = try billing("usage", "reconcile", "--period", "current", "--all")
                    #expect(after.stdout.split(separator: "\n").contains { $0.hasPrefix("\(tenant)\tapi_calls\t") && $0.hasSuffix("\t123\t123\t0\t0\t0") })
                    let badPeriod = try billing("usage", "reconcile", "--period", "2026-13")
                    #expect(badPeriod.status != 0 && badPeriod.stderr.contains("--period must be current or a month"))
                    let withoutNow = try billing("usage", "report")
                    #expect(withoutNow.status != 0 && withoutNow.stderr.contains("--now"))
                }
            }
        }
}
}
