import ConsumerRuntime
import Foundation
import Testing

@testable import Usage

@Suite("Usage event reading")
struct UsageHandlerTests {
    func event(_ body: String, id: String = "use_1") -> InboundEvent {
        InboundEvent(id: id, routingKey: "internal.usage.recorded", type: "usage.recorded", body: Array(body.utf8), attempt: 1)
    }

    func report(metric: String = "api_calls", quantity: String = "3", at: String = "2026-11-24T12:00:00Z") -> String {
        #"{"id":"use_1","type":"usage.recorded","occurred_at":"\#(at)","tenant_id":"ten_1","data":{"metric":"\#(metric)","quantity":\#(quantity)}}"#
    }

    func refusal(_ body: String) -> String? {
        do {
            _ = try UsageHandler.record(event(body))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        ("api_calls", "3", 3), ("api_calls", "0", 0), ("api_calls", "123456789012345678", 123_456_789_012_345_678), ("api_calls", "1e3", 1000),
        ("storage_gb", "1.250", 1250), ("storage_gb", "0.001", 1), ("storage_gb", "2", 2000), ("storage_gb", "12345678901.999", 12_345_678_901_999),
        ("user_seats", "7.0", 7),
    ] as [(String, String, Int64)])
    func quantitiesBecomeExactUnits(metric: String, quantity: String, units: Int64) throws {
        let record = try UsageHandler.record(event(report(metric: metric, quantity: quantity)))
        #expect(record.units == units)
        #expect(record.metric == metric)
        #expect(record.eventID == "use_1")
        #expect(record.tenantID == "ten_1")
    }

    @Test func theBytesTheIntakePassesOnAreReadWithWhitespaceAndAnyZone() throws {
        let body = """
            { "data" : { "quantity" : 1.5 , "metric" : "storage_gb" } ,
              "tenant_id" : "ten_\\u00e9", "occurred_at": "2026-11-24T13:00:00.250+01:00", "type": "usage.recorded", "id": "use_1" }
            """
        let record = try UsageHandler.record(event(body))
        #expect(record.units == 1500)
        #expect(record.tenantID == "ten_é")
        #expect(record.occurredAt.timeIntervalSince1970 == 1_795_521_600.25)
    }

    @Test(arguments: [
        ("garbage", "not valid JSON (byte 0: expected a JSON value)"),
        ("[1]", "the event must be a JSON object"),
        (#"{"id":"use_1","type":"usage.recorded","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"ten_1"}"#, "data is missing"),
        (#"{"id":"use_1","type":"usage.recorded","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"ten_1","data":[]}"#, "data must be a JSON object"),
        (#"{"id":"use_1","id":"use_2","type":"usage.recorded","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"ten_1","data":{}}"#,
         #"duplicate key "id""#),
        (#"{"id":7,"type":"usage.recorded","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"ten_1","data":{}}"#, "id must be a string"),
        (#"{"id":"use_1","type":"usage.recorded","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"ten_1","data":{"quantity":1}}"#,
         "data.metric must be a string"),
        (#"{"id":"use_1","type":"usage.deleted","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"ten_1","data":{"metric":"api_calls","quantity":1}}"#,
         "unknown type usage.deleted"),
    ])
    func malformedEventsAreRefusedSayingWhy(body: String, reason: String) {
        let refused = refusal(body)
        #expect(refused?.hasPrefix("usage event use_1: ") == true)
        #expect(refused?.contains(reason) == true, "\(refused ?? "accepted")")
    }

    @Test(arguments: [
        (#""3""#, "data.quantity must be a number"), ("-1", "quantity -1 must be a non-negative whole number"),
        ("2.5", "quantity 2.5 must be a non-negative whole number"), ("null", "data.quantity must be a number"),
    ])
    func quantitiesOtherThanWholeNumbersAreRefused(quantity: String, reason: String) {
        #expect(refusal(report(quantity: quantity))?.contains(reason) == true)
    }

    @Test func storageBeyondAMegabyteAndUnknownMetricsAndTimesAreRefused() {
        #expect(refusal(report(metric: "storage_gb", quantity: "1.0005"))?.contains("of GB with at most three decimals") == true)
        #expect(refusal(report(metric: "storage_gb", quantity: "1.0000000000000001"))?.contains("at most three decimals") == true)
        #expect(refusal(report(metric: "cpu_minutes"))?.contains("unknown metric cpu_minutes (known: api_calls") == true)
        #expect(refusal(report(at: "2026-11-24T12:00:00"))?.contains("is not an RFC 3339 time with a zone") == true)
    }
}
