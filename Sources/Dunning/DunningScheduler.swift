import AMQP
import BillingCore
import ConsumerRuntime
import Foundation
import Intake
import Logging
import Messages
import PostgresNIO
import ServiceLifecycle
import Storage

/// Dispatches due dunning steps as `internal.dunning.step_due` messages for the `dunning`
/// consumer. Each pass, in one transaction: select due pending steps `FOR UPDATE SKIP LOCKED`
/// (so schedulers running at once never take the same step), keep what still makes sense
/// after downtime (``DunningPlanner/catchUp(_:)``) and skip the rest, publish with confirm,
/// then mark them dispatched. A crash between publish and commit leaves the steps pending: they
/// go out again under the same message id, which the consumer's inbox absorbs.
public struct DunningScheduler: Service {
    let database: PostgresClient
    let publisher: any EventPublisher
    let interval: Duration
    let batchSize: Int
    let logger: Logger
    let now: @Sendable () -> Date

    /// A scheduler that looks every `interval` for at most `batchSize` due steps and publishes them
    /// through `publisher`.
    public init(database: PostgresClient, publisher: any EventPublisher, interval: Duration, batchSize: Int = 500, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.publisher = publisher
        self.interval = interval
        self.batchSize = batchSize
        var logger = logger
        logger[metadataKey: "component"] = "scheduler"
        self.logger = logger
        self.now = now
    }

    /// Runs passes until the service group shuts down; a failed pass is logged and retried on the
    /// next tick.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // Drain what is due, a batch at a time, before sleeping.
                while try await pass().taken >= batchSize {}
            } catch {
                logger.warning("scheduler pass failed; trying again", metadata: ["error": "\(FailureClassifier.describe(error))"])
            }
            // Ends at once on graceful shutdown (SIGTERM), not after the interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One pass over at most `batchSize` due steps.
    @discardableResult
    public func pass() async throws -> (dispatched: Int, skipped: Int, taken: Int) {
        try await DunningStore.withTransaction(on: database, logger: logger) { store in
            let due = try await store.dueSteps(now: now(), limit: batchSize)
            guard !due.isEmpty else { return (0, 0, 0) }
            var run: [(step: StepRecord, tenantID: String?)] = [], skip: [StepRecord] = []
            for (_, steps) in Dictionary(grouping: due, by: \.step.caseID) {
                let plan = DunningPlanner.catchUp(steps, planned: { $0.step.planned })
                run += plan.run
                skip += plan.skip.map(\.step)
            }
            try await publisher.publish(try run.map { try message($0.step, tenantID: $0.tenantID) })
            try await store.mark(run.map(\.step), status: .dispatched)
            try await store.mark(skip, status: .skipped, reason: "overdue after downtime; a later step of the same kind ran instead")
            if !run.isEmpty || !skip.isEmpty {
                logger.info("dunning steps dispatched", metadata: ["dispatched": "\(run.count)", "skipped": "\(skip.count)"])
            }
            return (run.count, skip.count, due.count)
        }
    }

    func message(_ step: StepRecord, tenantID: String?) throws -> AMQPMessage {
        let due = DunningStepDue(caseID: step.caseID, stepKey: step.stepKey, kind: step.kind.rawValue)
        let event = try InternalEvent(id: due.eventID, type: DunningStepDue.eventType, occurredAt: step.dueAt,
                                      tenantID: tenantID ?? "unknown", payload: due)
        return try InternalEventMessage.make(event, source: .scheduler, tenantHeader: false)
    }
}
