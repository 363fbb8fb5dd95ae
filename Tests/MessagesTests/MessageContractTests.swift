import BillingCore
import Foundation
import Testing

@testable import Messages

/// The names and shapes producers and consumers agree on. A change here is a change of the
/// contract between processes that may run different builds, so each is pinned.
@Suite("Message contract")
struct MessageContractTests {
    @Test func brokerNamesFollowTheConsumerFiles() {
        #expect(BrokerNames.eventsExchange == "billing.events")
        #expect(BrokerNames.workQueue(consumer: "usage") == "billing.usage")
        #expect(BrokerNames.deadLetterQueue(of: "billing.usage") == "billing.usage.dead")
        #expect(BrokerNames.retryQueue(of: "billing.usage", delay: "30s") == "billing.usage.retry.30s")
    }

    @Test func routingKeysCarryTheirPrefix() {
        #expect(RoutingKey.stripe("invoice.paid") == "stripe.invoice.paid")
        #expect(RoutingKey.internal(UsageRecorded.eventType) == "internal.usage.recorded")
        #expect(RoutingKey.isStripe("stripe.invoice.paid") && !RoutingKey.isStripe("internal.usage.recorded"))
        #expect(RoutingKey.isInternal("internal.dunning.step_due") && !RoutingKey.isInternal("stripe.internal"))
    }

    @Test(arguments: ["invoice.paid", "usage.recorded", "a", "v2.billing.meter_event", String(repeating: "a", count: 200)])
    func eventTypesSafeInARoutingKeyAreAccepted(_ type: String) {
        #expect(RoutingKey.isValidEventType(type))
        #expect(InternalEvent.isValidType(type))
    }

    @Test(arguments: ["", ".paid", "invoice.", "invoice..paid", "invoice.*", "invoice.#", "Invoice.paid", "invoice paid",
                      "invoice-paid", String(repeating: "a", count: 201)])
    func eventTypesThatCouldBreakABindingAreRefused(_ type: String) {
        #expect(!RoutingKey.isValidEventType(type))
    }

    @Test func headerNamesAreTheOnesOperatorsSeeInTheBroker() {
        let names = [MessageHeader.source, MessageHeader.tenantID, MessageHeader.partitionKey, MessageHeader.receivedAt,
                     MessageHeader.livemode, MessageHeader.apiVersion, MessageHeader.attempt, MessageHeader.originalRoutingKey,
                     MessageHeader.firstFailedAt, MessageHeader.lastError, MessageHeader.consumer, MessageHeader.deadLetteredAt,
                     MessageHeader.replayedAt]
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("x-") })
        #expect(MessageHeader.partitionKey == "x-partition-key")
        #expect(MessageHeader.tenantID == "x-tenant-id")
        #expect(MessageSource.scheduler.appID == "billing-scheduler")
    }

    @Test func aDueStepIsTheEventTheDunningConsumerReads() throws {
        let due = DunningStepDue(caseID: "dc_1", stepKey: "retry-day-3", kind: DunningStepKind.retry.rawValue)
        let event = try InternalEvent(id: due.eventID, type: DunningStepDue.eventType, occurredAt: Date(timeIntervalSince1970: 1_764_000_000),
                                      tenantID: "t1", payload: due)
        let body = try event.encodedBody()
        #expect(String(decoding: body, as: UTF8.self) == #"{"data":{"case_id":"dc_1","kind":"retry","step_key":"retry-day-3"},"id":"step:dc_1:retry-day-3","occurred_at":"2025-11-24T16:00:00Z","tenant_id":"t1","type":"dunning.step_due"}"#)
        let read = try JSONDecoder().decode(InternalEvent.Envelope<DunningStepDue>.self, from: Data(body))
        #expect(read.id == "step:dc_1:retry-day-3")
        #expect(read.data == due)
    }

    @Test func aNotificationRequestKeepsItsRolesAndData() throws {
        let request = NotificationRequested(key: "quota:t1:api_calls:1:warning", template: "quota_warning", roles: [.billing, .admin],
                                            data: ["used": .number(8_000), "metric": .string("api_calls")])
        #expect(request.eventID == "notify:quota:t1:api_calls:1:warning")
        let event = try InternalEvent(id: request.eventID, type: NotificationRequested.eventType, occurredAt: Date(timeIntervalSince1970: 0),
                                      tenantID: "t1", payload: request)
        #expect(event.data["roles"] == .array([.string("billing"), .string("admin")]))
        let read = try JSONDecoder().decode(InternalEvent.Envelope<NotificationRequested>.self, from: Data(try event.encodedBody()))
        #expect(read.data == request)
    }

    @Test func aUsageEventIsWrittenAsTheConsumerReadsIt() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(UsageRecorded(metric: UsageMetric.apiCalls.rawValue, quantity: 1200))
        #expect(String(decoding: data, as: UTF8.self) == #"{"metric":"api_calls","quantity":1200}"#)
    }

    @Test func subscriptionCommandsAreTheDocumentedTypes() {
        #expect(SubscriptionCommand.allCases.map(\.eventType) == [
            "subscription.change_plan_requested", "subscription.cancel_requested", "subscription.reactivate_requested",
        ])
        #expect(SubscriptionCommand(rawValue: "subscription.pause_requested") == nil)
    }
}
