import AMQP
import Foundation
import Messages
import Testing

@testable import ConsumerRuntime

@Suite("Internal event messages")
struct InternalEventMessageTests {
    let event = InternalEvent(id: "notify:k1", type: NotificationRequested.eventType, occurredAt: Date(timeIntervalSince1970: 0),
                              tenantID: "tenant_1", data: ["key": .string("k1")])

    @Test func aProducersEventGoesToTheEventsExchangeAsAPersistentInternalMessage() throws {
        let message = try InternalEventMessage.make(event, source: .usage)
        #expect(message.exchange == "billing.events")
        #expect(message.routingKey == "internal.notification.requested")
        #expect(message.mandatory)
        #expect(message.body == (try event.encodedBody()))
        #expect(message.properties.persistent)
        #expect(message.properties.messageID == "notify:k1")
        #expect(message.properties.type == "notification.requested")
        #expect(message.properties.appID == "billing-usage")
        #expect(message.properties.contentType == "application/json")
        #expect(message.properties.headers == ["x-source": .string("usage"), "x-tenant-id": .string("tenant_1")])
    }

    @Test func anEventOfNoKnownTenantCarriesNoTenantHeader() throws {
        let message = try InternalEventMessage.make(event, source: .scheduler, tenantHeader: false, mandatory: false)
        #expect(message.properties.headers == ["x-source": .string("scheduler")])
        #expect(!message.mandatory)
        #expect(message.properties.appID == "billing-scheduler")
    }
}
