import AMQP
import Foundation
import Messages
import Testing

@testable import ConsumerRuntime

@Suite("DeliveryDecision")
struct DeliveryDecisionTests {
    let consumer = ConsumerDefinition(name: "lifecycle", bindings: ["stripe.#"],
                                      retryDelays: [.seconds(5), .seconds(30), .seconds(120)], maxAttempts: 4)

    @Test func successAndDuplicatesAreAcked() {
        #expect(DeliveryDecision.decide(.processed, attempt: 1, consumer: consumer) == .ack)
        #expect(DeliveryDecision.decide(.duplicate, attempt: 3, consumer: consumer) == .ack)
    }

    @Test func transientFailuresRetryWithTheConfiguredDelays() {
        let failure = HandlingOutcome.failed(.transient, message: "db down")
        #expect(DeliveryDecision.decide(failure, attempt: 1, consumer: consumer)
            == .retry(queue: "billing.lifecycle.retry.5s", nextAttempt: 2, delay: .seconds(5), error: "db down"))
        #expect(DeliveryDecision.decide(failure, attempt: 2, consumer: consumer)
            == .retry(queue: "billing.lifecycle.retry.30s", nextAttempt: 3, delay: .seconds(30), error: "db down"))
        #expect(DeliveryDecision.decide(failure, attempt: 3, consumer: consumer)
            == .retry(queue: "billing.lifecycle.retry.2m", nextAttempt: 4, delay: .seconds(120), error: "db down"))
    }

    @Test func aRedeliveredMessageIsHandledUntilItsProcessDiedInItsHandsMoreThanTheCrashLimit() {
        #expect(consumer.deliveryLimit == 6)
        #expect(consumer.crashLimit == 3)
        for starts in 1...3 { #expect(DeliveryDecision.decide(starts: starts, consumer: consumer) == nil) }
        #expect(DeliveryDecision.decide(starts: 4, consumer: consumer) == .deadLetter(
            queue: "billing.lifecycle.dead", attempts: 3,
            error: "the process died while handling it 3 times (a crash, kill -9, out of memory); not handled again"))
        // A low broker limit lowers the crash limit, so innocent messages stay below the broker's.
        var tight = consumer
        tight.deliveryLimit = 4
        #expect(tight.crashLimit == 2)
        #expect(DeliveryDecision.decide(starts: 3, consumer: tight) != nil)
    }

    @Test func theLastAttemptDeadLetters() {
        let decision = DeliveryDecision.decide(.failed(.transient, message: "db down"), attempt: 4, consumer: consumer)
        #expect(decision == .deadLetter(queue: "billing.lifecycle.dead", attempts: 4, error: "gave up after 4 attempts: db down"))
        // A message that arrives with more attempts than allowed (config lowered) also stops.
        if case .deadLetter = DeliveryDecision.decide(.failed(.transient, message: "x"), attempt: 9, consumer: consumer) {} else {
            Issue.record("expected a dead letter")
        }
    }

    @Test func aDatabaseOutageHoldsTheDeliveryWhateverTheAttempt() {
        // Not the event's fault: no attempt is spent, not even the last one.
        for attempt in [1, 4, 9] {
            #expect(DeliveryDecision.decide(.failed(.databaseUnavailable, message: "connection refused"), attempt: attempt, consumer: consumer)
                == .waitForDatabase)
        }
    }

    @Test func permanentFailuresDeadLetterAtOnce() {
        #expect(DeliveryDecision.decide(.failed(.permanent, message: "undecodable"), attempt: 1, consumer: consumer)
            == .deadLetter(queue: "billing.lifecycle.dead", attempts: 1, error: "undecodable"))
    }

    @Test func forwardingKeepsTheEventAndRecordsTheFailure() {
        let delivery = AMQPDelivery(body: Array("{}".utf8), exchange: "billing.events", routingKey: "stripe.invoice.paid",
                                    properties: AMQPProperties(contentType: "application/json", messageID: "evt_1", type: "invoice.paid"))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let message = EventHeaders.forward(delivery, to: "billing.lifecycle.retry.5s", attempt: 2, error: "line one\nline two",
                                           consumer: "lifecycle", now: now, deadLettered: false)
        #expect(message.exchange == "")
        #expect(message.routingKey == "billing.lifecycle.retry.5s")
        #expect(message.body == delivery.body)
        #expect(message.properties.messageID == "evt_1")
        #expect(message.properties.headers[MessageHeader.attempt] == .int(2))
        #expect(message.properties.headers[MessageHeader.originalRoutingKey] == .string("stripe.invoice.paid"))
        #expect(message.properties.headers[MessageHeader.lastError] == .string("line one line two"))
        #expect(message.properties.headers[MessageHeader.firstFailedAt] == .timestamp(1_700_000_000))
        #expect(message.properties.headers[MessageHeader.deadLetteredAt] == nil)

        // The second failure keeps the first failure time and the original routing key.
        let retried = AMQPDelivery(body: message.body, routingKey: "billing.lifecycle", properties: message.properties)
        #expect(EventHeaders.attempt(of: retried) == 2)
        #expect(EventHeaders.originalRoutingKey(of: retried) == "stripe.invoice.paid")
        let dead = EventHeaders.forward(retried, to: "billing.lifecycle.dead", attempt: 2, error: String(repeating: "e", count: 2000),
                                        consumer: "lifecycle", now: now.addingTimeInterval(60), deadLettered: true)
        #expect(dead.properties.headers[MessageHeader.firstFailedAt] == .timestamp(1_700_000_000))
        #expect(dead.properties.headers[MessageHeader.deadLetteredAt] == .timestamp(1_700_000_060))
        #expect(dead.properties.headers[MessageHeader.originalRoutingKey] == .string("stripe.invoice.paid"))
        #expect(dead.properties.headers[MessageHeader.lastError]?.stringValue?.utf8.count == 500)
    }

    @Test func failuresAreClassified() {
        #expect(FailureClassifier.classify(PermanentFailure("bad")) == .permanent)
        #expect(FailureClassifier.classify(TransientFailure("later")) == .transient)
        #expect(FailureClassifier.classify(DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "x"))) == .permanent)
        #expect(FailureClassifier.classify(AMQPError.notConnected(lastError: nil)) == .transient)
        #expect(FailureClassifier.classify(CancellationError()) == .transient)
    }
}
