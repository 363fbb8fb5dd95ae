import Logging
import PostgresNIO
import ServiceLifecycle
import Storage

/// Makes a consumer's pending calls (see ``PendingCallHandler``): those its own transactions
/// just added, right after the commit, and in a sweep once a second those whose claim has run
/// out (a process died holding them, or a failed attempt's retry is due). An attempt is cut at
/// its lease, so a call is held by one process at a time.
struct PendingCallExecutor: Sendable {
    let handler: any PendingCallHandler
    let definition: ConsumerDefinition
    let database: PostgresClient
    /// How long a taken call is this process's; an attempt still running then is cancelled.
    let lease: Duration
    let metrics: ConsumerMetrics
    let logger: Logger

    /// After a commit: makes the calls that the transactions of `eventIDs` added.
    func runAdded(eventIDs: [String]) async {
        guard !eventIDs.isEmpty else { return }
        do {
            try await takeAndRun { try await $0.take(consumer: definition.name, eventIDs: eventIDs, lease: lease) }
        } catch {
            logger.warning("could not take the calls just decided; a sweep takes them once their first claim runs out",
                           metadata: ["error": "\(FailureClassifier.describe(error))"])
        }
    }

    /// Takes and makes up to `limit` calls whose claim has run out; returns how many it took.
    @discardableResult
    func sweep(limit: Int = 20) async -> Int {
        do {
            return try await takeAndRun(takingOver: true) { try await $0.takeDue(consumer: definition.name, limit: limit, lease: lease) }
        } catch {
            logger.debug("pending-call sweep skipped", metadata: ["error": "\(FailureClassifier.describe(error))"])
            return 0
        }
    }

    /// Takes calls with one statement of `take`, then makes each, every one cut when that
    /// take's claim runs out; returns how many it took. Throws only the take's error.
    @discardableResult
    private func takeAndRun(takingOver: Bool = false, _ take: (PendingCallStore) async throws -> [PendingCall]) async throws -> Int {
        let taken = ContinuousClock.now
        let calls = try await PendingCallStore.withConnection(on: database, logger: logger) { try await take($0) }
        for call in calls {
            if takingOver { logger.info("taking over a pending call", metadata: ["call": "\(call.key)", "attempt": "\(call.attempts)"]) }
            await run(call, claimedAt: taken)
        }
        return calls.count
    }

    /// Sweeps until graceful shutdown: at once again while there is a backlog, else after a second.
    func sweepUntilShutdown() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            guard await sweep() == 0 else { continue }
            // The sleep ends early on shutdown; its error is that ending.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }

    /// One attempt at `call`, cut when the claim taken at `claimedAt` runs out (all the calls of
    /// one take share it); a failure becomes a ``PendingCallDecision``.
    func run(_ call: PendingCall, claimedAt: ContinuousClock.Instant) async {
        // The claim was set by the database's clock just before `claimedAt`: stop a second early.
        let remaining = claimedAt + lease - .seconds(1) - .now
        guard remaining > .milliseconds(100) else {
            // Its claim has run out while earlier calls of the same take were made: a sweep
            // (perhaps another process's) takes it, so this process must not make it too.
            logger.info("pending call left for a sweep: its claim ran out first", metadata: ["call": "\(call.key)"])
            return
        }
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await handler.complete(call, database: database, logger: logger)
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: remaining)
                    return false
                }
                let completed = try await group.next() ?? false
                group.cancelAll()
                guard completed else { throw TransientFailure("the attempt outlasted its lease of \(lease) and was cut") }
            }
            metrics.callsCompleted.increment()
        } catch {
            let message = FailureClassifier.describe(error)
            switch PendingCallDecision.decide(FailureClassifier.classify(error), message: message, attempt: call.attempts, consumer: definition) {
            case .leave:
                logger.warning("pending call failed with the database away; a sweep takes it again", metadata: [
                    "call": "\(call.key)", "error": "\(message)"])
            case .retry(let delay):
                metrics.callsRetried.increment()
                logger.warning("pending call failed; trying again later", metadata: [
                    "call": "\(call.key)", "attempt": "\(call.attempts)", "retry_in": "\(delay)", "error": "\(message)"])
                do {
                    try await PendingCallStore.withConnection(on: database, logger: logger) {
                        try await $0.postpone(call, by: delay, error: message)
                    }
                } catch {
                    logger.warning("could not postpone the call; its claim runs out and a sweep takes it",
                                   metadata: ["call": "\(call.key)", "error": "\(FailureClassifier.describe(error))"])
                }
            case .abandon(let reason):
                metrics.callsAbandoned.increment()
                logger.error("pending call given up", metadata: ["call": "\(call.key)", "attempt": "\(call.attempts)", "reason": "\(reason)"])
                do {
                    try await handler.abandon(call, reason: reason, database: database, logger: logger)
                } catch {
                    logger.warning("could not record the call as given up; a sweep takes it again",
                                   metadata: ["call": "\(call.key)", "error": "\(FailureClassifier.describe(error))"])
                }
            }
        }
    }
}
