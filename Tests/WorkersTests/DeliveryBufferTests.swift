import Testing

@testable import Workers

@Suite("DeliveryBuffer")
struct DeliveryBufferTests {
    @Test func handsOutWhatHasArrivedUpToTheLimitInOrder() async throws {
        let buffer = DeliveryBuffer<Int>()
        for value in 1...5 { buffer.append(value) }
        #expect(try await buffer.next(limit: 3) == [1, 2, 3])
        #expect(try await buffer.next(limit: 3) == [4, 5])
        buffer.finish()
        #expect(try await buffer.next(limit: 3) == nil)
    }

    @Test func waitsOnlyWhileEmptyAndWakesOnTheFirstArrival() async throws {
        let buffer = DeliveryBuffer<Int>()
        async let taken = buffer.next(limit: 10)
        try await Task.sleep(for: .milliseconds(50))
        buffer.append(7)
        #expect(try await taken == [7])
    }

    @Test func finishingWithAnErrorDeliversTheRestFirst() async throws {
        struct Lost: Error {}
        let buffer = DeliveryBuffer<Int>()
        buffer.append(1)
        buffer.finish(throwing: Lost())
        #expect(try await buffer.next(limit: 10) == [1])
        await #expect(throws: Lost.self) { try await buffer.next(limit: 10) }
    }

    @Test func aCancelledWaiterReturnsNil() async throws {
        let buffer = DeliveryBuffer<Int>()
        let waiter = Task { try await buffer.next(limit: 1) }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(try await waiter.value == nil)
    }
}
