import Testing

@testable import ConsumerRuntime

@Suite("Pending call decision")
struct PendingCallDecisionTests {
    let consumer = ConsumerDefinition(name: "lifecycle", bindings: ["stripe.#"], retryDelays: [.seconds(5), .seconds(30)], maxAttempts: 3)

    @Test func aTransientFailureIsTriedAgainAfterTheConsumersDelayUntilItsAttemptsAreSpent() {
        #expect(PendingCallDecision.decide(.transient, message: "503", attempt: 1, consumer: consumer) == .retry(after: .seconds(5)))
        #expect(PendingCallDecision.decide(.transient, message: "503", attempt: 2, consumer: consumer) == .retry(after: .seconds(30)))
        #expect(PendingCallDecision.decide(.transient, message: "503", attempt: 3, consumer: consumer)
            == .abandon(reason: "gave up after 3 attempts: 503"))
    }

    @Test func aPermanentFailureIsGivenUpAtOnce() {
        #expect(PendingCallDecision.decide(.permanent, message: "bad payload", attempt: 1, consumer: consumer) == .abandon(reason: "bad payload"))
    }

    @Test func withTheDatabaseAwayNothingIsRecordedAndTheClaimRunsOut() {
        #expect(PendingCallDecision.decide(.databaseUnavailable, message: "refused", attempt: 5, consumer: consumer) == .leave)
    }
}
