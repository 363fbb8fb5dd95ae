import AMQP
import BillingCore
import Foundation
import Intake
import PostgresNIO
import Storage
import Synchronization
import Testing

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

/// Records what the scheduler publishes; can fail after "publishing" to act out a crash
/// between the broker's confirm and the commit.
final class RecordingPublisher: EventPublisher {
    let published = Mutex<[String]>([])
    let failAfterPublish = Mutex(false)
    var isConnected: Bool { true }

    struct Crash: Error {}

    func publish(_ messages: [AMQPMessage]) async throws {
        published.withLock { $0 += messages.compactMap(\.properties.messageID) }
        if failAfterPublish.withLock({ $0 }) { throw Crash() }
    }

    func ids(prefix: String) -> [String] { published.withLock { $0.filter { $0.hasPrefix(prefix) } } }
}

extension Integration {
    @Suite("Dunning scheduler against PostgreSQL")
    struct DunningSchedulerTests {
        let logger = TestServers.logger

        /// A fixed "now" for the schedulers, so what is due does not depend on how long the test takes.
        static let now: Int64 = 1_795_478_400

        /// Opens `count` Team cases whose first failure was `failedSecondsAgo` one-second days
        /// before ``now``.
        func openCases(_ database: Database, tag: String, count: Int, failedSecondsAgo: Int64) async throws -> [String] {
            let failedAt = Self.now - failedSecondsAgo
            var ids: [String] = []
            try await database.client.withTransaction(logger: logger) { connection in
                let store = DunningStore(connection: connection, logger: logger)
                for index in 0..<count {
                    let invoice = "in_\(tag)_\(index)"
                    let record = CaseRecord(invoiceID: invoice, subscriptionID: "sub_\(tag)", customerID: "cus_\(tag)", tenantID: "tenant_\(tag)",
                                            tier: .team, status: .open, openedAt: Date(timeIntervalSince1970: TimeInterval(failedAt)), attempts: 1,
                                            amountDue: 20_000, currency: "usd", hostedInvoiceURL: nil)
                    let steps = DunningPlanner.plan(policy: .seed, failedAt: failedAt, tier: .team, daySeconds: 1)
                    try await store.insert(record, steps: steps.map { StepRecord(caseID: record.caseID, step: $0) })
                    ids.append(record.caseID)
                }
            }
            return ids
        }

        /// Closes the test's cases, so no later scheduler (a `billing serve` of another test)
        /// picks up their steps.
        func cleanUp(_ database: Database, _ cases: [String]) async throws {
            try await database.client.query(
                "UPDATE dunning_steps SET status = 'skipped', reason = 'test finished' WHERE case_id = ANY(\(cases)) AND status IN ('pending', 'dispatched')",
                logger: logger)
            try await database.client.query("UPDATE dunning_cases SET status = 'closed' WHERE case_id = ANY(\(cases))", logger: logger)
        }

        func drain(_ scheduler: DunningScheduler) async throws {
            while try await scheduler.pass().taken > 0 {}
        }

        func statuses(_ database: Database, caseID: String) async throws -> [String] {
            var result: [String] = []
            let rows = try await database.client.query(
                "SELECT step_key || '=' || status FROM dunning_steps WHERE case_id = \(caseID) ORDER BY due_at, step_key", logger: logger)
            for try await row in rows.decode(String.self) { result.append(row) }
            return result
        }

        @Test func twoSchedulersAtOnceDispatchEachDueStepOnce() async throws {
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                try await Migrator().migrate(database.client, logger: logger)
                let tag = UUID().uuidString.prefix(8).lowercased()
                // Two seconds into one-second days: steps of days 0 and 1 are due (3 per case).
                let cases = try await openCases(database, tag: tag, count: 300, failedSecondsAgo: 2)
                let publisher = RecordingPublisher()
                let schedulers = (0..<2).map { _ in
                    DunningScheduler(database: database.client, publisher: publisher, interval: .seconds(1), batchSize: 50, logger: logger,
                                     now: { Date(timeIntervalSince1970: TimeInterval(Self.now)) })
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for scheduler in schedulers { group.addTask { try await drain(scheduler) } }
                    try await group.waitForAll()
                }
                let ids = publisher.ids(prefix: "step:dc_in_\(tag)_")
                #expect(ids.count == cases.count * 2)  // notify-day-0 and retry-day-1 (outreach is enterprise-only)
                #expect(Set(ids).count == ids.count, "no step dispatched twice")
                #expect(try await statuses(database, caseID: cases[0]).prefix(2) == ["notify-day-0=dispatched", "retry-day-1=dispatched"])
                try await cleanUp(database, cases)
            }
        }

        @Test func aCrashBetweenPublishAndCommitLeavesTheStepsDueForTheSameMessageIDs() async throws {
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                try await Migrator().migrate(database.client, logger: logger)
                let tag = UUID().uuidString.prefix(8).lowercased()
                let cases = try await openCases(database, tag: tag, count: 1, failedSecondsAgo: 0)
                let publisher = RecordingPublisher()
                let scheduler = DunningScheduler(database: database.client, publisher: publisher, interval: .seconds(1), logger: logger,
                                                 now: { Date(timeIntervalSince1970: TimeInterval(Self.now)) })
                publisher.failAfterPublish.withLock { $0 = true }
                await #expect(throws: RecordingPublisher.Crash.self) { try await scheduler.pass() }
                #expect(try await statuses(database, caseID: cases[0]).first == "notify-day-0=pending")
                publisher.failAfterPublish.withLock { $0 = false }
                try await drain(scheduler)
                #expect(try await statuses(database, caseID: cases[0]).first == "notify-day-0=dispatched")
                // The same message id twice: the consumer's inbox takes it once.
                #expect(publisher.ids(prefix: "step:\(cases[0]):") == ["step:\(cases[0]):notify-day-0", "step:\(cases[0]):notify-day-0"])
                try await cleanUp(database, cases)
            }
        }

        @Test func afterDowntimeOnlyTheLatestOverdueRetryAndNoticeGoOut() async throws {
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                try await Migrator().migrate(database.client, logger: logger)
                let tag = UUID().uuidString.prefix(8).lowercased()
                // Fifteen one-second days with the scheduler down.
                let cases = try await openCases(database, tag: tag, count: 1, failedSecondsAgo: 15)
                let publisher = RecordingPublisher()
                try await drain(DunningScheduler(database: database.client, publisher: publisher, interval: .seconds(1), logger: logger,
                                                 now: { Date(timeIntervalSince1970: TimeInterval(Self.now)) }))
                #expect(publisher.ids(prefix: "step:\(cases[0]):").sorted()
                    == ["degrade-day-14", "notify-day-14", "retry-day-14"].map { "step:\(cases[0]):\($0)" })
                let skipped = try await statuses(database, caseID: cases[0]).filter { $0.hasSuffix("=skipped") }
                #expect(skipped == ["notify-day-0=skipped", "retry-day-1=skipped", "notify-day-3=skipped", "retry-day-3=skipped",
                                    "notify-day-7=skipped", "retry-day-7=skipped"])
                try await cleanUp(database, cases)
            }
        }
    }
}
