import AMQP
import Testing

@testable import ConsumerRuntime

@Suite("Topology plan")
struct TopologyTests {
    let consumer = ConsumerDefinition(name: "lifecycle", bindings: ["stripe.#"], retryDelays: [.seconds(5), .seconds(30), .seconds(5)],
                                      maxAttempts: 4)

    func queue(_ name: String, in plan: [Topology.Declaration]) -> [String: AMQPFieldValue]? {
        for case .queue(name, let arguments) in plan { return arguments }
        return nil
    }

    @Test func workQueueIsAQuorumQueueWithADeliveryLimitThatDeadLetters() throws {
        let plan = Topology.plan(for: [consumer], brokerMajorVersion: 3)
        let work = try #require(queue("billing.lifecycle", in: plan))
        #expect(work["x-queue-type"] == .string("quorum"))
        #expect(work["x-delivery-limit"] == .int(6))
        #expect(work["x-dead-letter-exchange"] == .string(""))
        #expect(work["x-dead-letter-routing-key"] == .string("billing.lifecycle.dead"))
        #expect(work["x-dead-letter-strategy"] == .string("at-least-once"))
        #expect(plan.contains(.binding(queue: "billing.lifecycle", exchange: "billing.events", pattern: "stripe.#")))
        #expect(plan.first == .exchange(name: "billing.events", type: "topic"))
    }

    @Test func retryQueuesReturnToTheirOwnConsumersQueueOnly() throws {
        let plan = Topology.plan(for: [consumer], brokerMajorVersion: 3)
        let retry = try #require(queue("billing.lifecycle.retry.30s", in: plan))
        #expect(retry["x-message-ttl"] == .int(30_000))
        // The default exchange routes by queue name: the message goes back to this queue only.
        #expect(retry["x-dead-letter-exchange"] == .string(""))
        #expect(retry["x-dead-letter-routing-key"] == .string("billing.lifecycle"))
        // A delay listed twice gets one queue.
        let retryQueues = plan.compactMap { declaration -> String? in
            if case .queue(let name, _) = declaration, name.contains(".retry.") { return name }
            return nil
        }
        #expect(retryQueues == ["billing.lifecycle.retry.5s", "billing.lifecycle.retry.30s"])
    }

    @Test func deadLetterQueueHasNoDeliveryLimit() throws {
        let v3 = try #require(queue("billing.lifecycle.dead", in: Topology.plan(for: [consumer], brokerMajorVersion: 3)))
        #expect(v3["x-delivery-limit"] == nil)
        let v4 = try #require(queue("billing.lifecycle.dead", in: Topology.plan(for: [consumer], brokerMajorVersion: 4)))
        #expect(v4["x-delivery-limit"] == .int(-1))
    }

    @Test func conflictingArgumentIsReadFromTheBrokersMessage() {
        let message = "PRECONDITION_FAILED - inequivalent arg 'x-delivery-limit' for queue 'billing.lifecycle' in vhost '/': received the value '9' of type 'signedint' but current is the value '8' of type 'signedint'"
        #expect(TopologyDeclarer.conflictingArgument(in: message) == "x-delivery-limit")
        #expect(TopologyDeclarer.conflictingArgument(in: "something else") == nil)
    }
}
