import AMQP
import Messages
import Testing

@testable import ConsumerRuntime

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

@Suite("Batch partitions")
struct BatchPartitionTests {
    func delivery(key: String?, tenant: String? = nil, id: String) -> AMQPDelivery {
        var properties = AMQPProperties(messageID: id)
        if let key { properties.headers[MessageHeader.partitionKey] = .string(key) }
        if let tenant { properties.headers["x-tenant-id"] = .string(tenant) }
        return AMQPDelivery(body: [], routingKey: "stripe.invoice.paid", properties: properties)
    }

    @Test func oneCustomersEventsGoToOneWorkerAndOthersSpread() {
        let workers = (0..<50).map { ConsumerRunner.partition(of: delivery(key: "cus_same", id: "evt_\($0)"), among: 4) }
        #expect(Set(workers).count == 1)
        let spread = (0..<200).map { ConsumerRunner.partition(of: delivery(key: "cus_\($0)", id: "evt_\($0)"), among: 4) }
        #expect(Set(spread) == [0, 1, 2, 3])
        // Without a key: the tenant, then the event id.
        let byTenant = (0..<20).map { ConsumerRunner.partition(of: delivery(key: nil, tenant: "t1", id: "evt_\($0)"), among: 4) }
        #expect(Set(byTenant).count == 1)
    }
}
