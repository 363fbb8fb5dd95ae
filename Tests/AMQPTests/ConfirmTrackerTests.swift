import Testing

@testable import AMQP

@Suite("ConfirmTracker")
struct ConfirmTrackerTests {
    let far = ContinuousClock.now + .seconds(3600)

    @Test func tagsAreConsecutiveAcrossBatches() {
        var tracker = ConfirmTracker<String>()
        #expect(tracker.register(count: 1, waiter: "a", deadline: far) == 1...1)
        #expect(tracker.register(count: 3, waiter: "b", deadline: far) == 2...4)
        #expect(tracker.nextTag == 5)
    }

    @Test func multipleAckSettlesEveryBatchUpToTheTag() {
        var tracker = ConfirmTracker<String>()
        _ = tracker.register(count: 1, waiter: "a", deadline: far)
        _ = tracker.register(count: 2, waiter: "b", deadline: far)
        _ = tracker.register(count: 1, waiter: "c", deadline: far)
        let settled = tracker.acknowledged(tag: 3, multiple: true)
        #expect(settled.map(\.waiter) == ["a", "b"])
        #expect(settled.allSatisfy { $0.failure == nil })
        #expect(tracker.pendingBatchCount == 1)
        #expect(tracker.acknowledged(tag: 4, multiple: false).map(\.waiter) == ["c"])
        #expect(tracker.pendingBatchCount == 0)
    }

    @Test func aBatchSettlesOnlyWhenAllItsMessagesAreConfirmed() {
        var tracker = ConfirmTracker<String>()
        _ = tracker.register(count: 3, waiter: "batch", deadline: far)
        #expect(tracker.acknowledged(tag: 2, multiple: false).isEmpty)
        #expect(tracker.acknowledged(tag: 1, multiple: false).isEmpty)
        #expect(tracker.acknowledged(tag: 3, multiple: false).map(\.waiter) == ["batch"])
    }

    @Test func oneNackFailsTheWholeBatch() {
        var tracker = ConfirmTracker<String>()
        _ = tracker.register(count: 2, waiter: "batch", deadline: far)
        #expect(tracker.negativelyAcknowledged(tag: 1, multiple: false).isEmpty)
        let settled = tracker.acknowledged(tag: 2, multiple: false)
        #expect(settled.count == 1)
        #expect(settled.first?.failure == .nacked)
    }

    @Test func aReturnedMessageFailsItsBatchWhenItsAckArrives() {
        var tracker = ConfirmTracker<String>()
        _ = tracker.register(count: 1, waiter: "ok", deadline: far)
        _ = tracker.register(count: 1, waiter: "returned", deadline: far)
        tracker.returned(tag: 2, exchange: "billing.events", routingKey: "nowhere", reason: "312 NO_ROUTE")
        let settled = tracker.acknowledged(tag: 2, multiple: true)
        #expect(settled.map(\.waiter) == ["ok", "returned"])
        #expect(settled[0].failure == nil)
        #expect(settled[1].failure == .returned(exchange: "billing.events", routingKey: "nowhere", reason: "312 NO_ROUTE"))
    }

    @Test func expiredBatchesFailAndTheirLateAcksAreIgnored() {
        var tracker = ConfirmTracker<String>()
        let now = ContinuousClock.now
        _ = tracker.register(count: 1, waiter: "old", deadline: now)
        _ = tracker.register(count: 1, waiter: "new", deadline: now + .seconds(60))
        let expired = tracker.expire(now: now + .seconds(1))
        #expect(expired.map(\.waiter) == ["old"])
        #expect(expired.first?.failure == .timedOut)
        #expect(tracker.earliestDeadline == now + .seconds(60))
        #expect(tracker.acknowledged(tag: 2, multiple: true).map(\.waiter) == ["new"])
    }

    @Test func removeAllHandsBackEveryWaiterAndRestartsTags() {
        var tracker = ConfirmTracker<String>()
        _ = tracker.register(count: 2, waiter: "a", deadline: far)
        _ = tracker.register(count: 1, waiter: "b", deadline: far)
        _ = tracker.acknowledged(tag: 1, multiple: false)
        #expect(tracker.removeAll().sorted() == ["a", "b"])
        #expect(tracker.pendingBatchCount == 0)
        #expect(tracker.nextTag == 1)
    }

    @Test func manyInterleavedConfirmsSettleEachBatchExactlyOnce() {
        var tracker = ConfirmTracker<Int>()
        for batch in 0..<5000 { _ = tracker.register(count: batch % 3 + 1, waiter: batch, deadline: far) }
        let lastTag = tracker.nextTag - 1
        var settled: [Int] = []
        // Single acks for odd tags first, then one multiple ack for everything.
        for tag in stride(from: 1, through: lastTag, by: 2) { settled += tracker.acknowledged(tag: tag, multiple: false).map(\.waiter) }
        settled += tracker.acknowledged(tag: lastTag, multiple: true).map(\.waiter)
        #expect(settled.sorted() == Array(0..<5000))
        #expect(tracker.pendingBatchCount == 0)
    }
}
