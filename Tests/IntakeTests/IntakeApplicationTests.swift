import AMQP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Stripe
import Synchronization
import Testing

@testable import Intake

/// Records what the intake publishes, or fails as the broker would. The real broker is used in
/// the end-to-end tests; this isolates the HTTP decisions.
final class RecordingPublisher: EventPublisher {
    let batches = Mutex<[[AMQPMessage]]>([])
    let failure = Mutex<AMQPError?>(nil)
    var isConnected: Bool { failure.withLock { $0 == nil } }

    func publish(_ messages: [AMQPMessage]) async throws {
        if let error = failure.withLock({ $0 }) { throw error }
        batches.withLock { $0.append(messages) }
    }

    var messages: [AMQPMessage] { batches.withLock { $0.flatMap { $0 } } }
}

@Suite("Intake HTTP (in-process)")
struct IntakeApplicationTests {
    static let secret = "whsec_test_secret"
    static let internalSecret = "internal-secret-for-tests"
    static let opsToken = "ops-token-for-tests"
    let publisher = RecordingPublisher()
    let now = Date()

    func makeApp(maxWebhookBodyBytes: Int = 1 << 20) -> some ApplicationProtocol {
        let intake = IntakeApplication(
            settings: IntakeSettings(stripeWebhookSecrets: [Self.secret, "whsec_previous"], internalSecret: Self.internalSecret, opsToken: Self.opsToken,
                                     maxWebhookBodyBytes: maxWebhookBodyBytes),
            publisher: publisher, readiness: ReadinessChecks([("broker", { @Sendable in true })]),
            logger: Logger(label: "test"), now: { [now] in now })
        return Application(router: intake.makeRouter())
    }

    func stripeEvent(id: String = "evt_1", type: String = "invoice.paid") -> [UInt8] {
        Array(#"{"id":"\#(id)","object":"event","type":"\#(type)","created":1700000000,"livemode":false,"api_version":"2025-03-31.basil","data":{"object":{"id":"in_1","customer":"cus_1"}}}"#.utf8)
    }

    func signed(_ body: [UInt8], secret: String = secret, at time: Date? = nil) -> String {
        WebhookSignatureVerifier.header(payload: body, secret: secret, timestamp: Int64((time ?? now).timeIntervalSince1970))
    }

    func post(_ client: some TestClientProtocol, _ uri: String, body: [UInt8], signatureHeader: String = "Stripe-Signature",
              signature: String?, contentType: String = "application/json") async throws -> (status: HTTPResponse.Status, json: [String: Any], headers: HTTPFields) {
        var headers: HTTPFields = [.contentType: contentType]
        if let signature { headers[HTTPField.Name(signatureHeader)!] = signature }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return (response.status, json, response.headers)
        }
    }

    // MARK: Stripe webhooks

    @Test func aSignedWebhookIsPublishedUnchangedThenAnswered200() async throws {
        let body = stripeEvent()
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/webhooks/stripe", body: body, signature: signed(body))
            #expect(response.status == .ok)
            #expect(response.json["id"] as? String == "evt_1")
            #expect(response.json["received"] as? Bool == true, "received is a JSON boolean, not the string \"true\"")
        }
        let message = try #require(publisher.messages.first)
        #expect(publisher.messages.count == 1)
        #expect(message.exchange == "billing.events")
        #expect(message.routingKey == "stripe.invoice.paid")
        #expect(message.body == body)
        #expect(message.mandatory)
        #expect(message.properties.persistent)
        #expect(message.properties.messageID == "evt_1")
        #expect(message.properties.type == "invoice.paid")
        #expect(message.properties.contentType == "application/json")
        #expect(message.properties.timestamp == 1_700_000_000)
        #expect(message.properties.headers["x-source"] == .string("stripe"))
        #expect(message.properties.headers["x-api-version"] == .string("2025-03-31.basil"))
        #expect(message.properties.headers["x-partition-key"] == .string("cus_1"), "the customer keeps its events in one worker")
        #expect(message.properties.headers["x-received-at"] == .timestamp(UInt64(now.timeIntervalSince1970)))
    }

    @Test func aWebhookSignedWithThePreviousSecretIsAcceptedDuringRotation() async throws {
        let body = stripeEvent()
        try await makeApp().test(.router) { (client) async throws -> Void in
            #expect(try await post(client, "/webhooks/stripe", body: body, signature: signed(body, secret: "whsec_previous")).status == .ok)
        }
    }

    @Test(arguments: [
        ("missing", "missing_header"), ("garbage", "malformed_header"), ("other-secret", "no_matching_signature"),
        ("stale", "timestamp_outside_tolerance"), ("v0-only", "no_v1_signature"),
    ])
    func badSignaturesAre400WithAReasonAndNothingIsPublished(kind: String, reason: String) async throws {
        let body = stripeEvent()
        let header: String? = switch kind {
        case "missing": nil
        case "garbage": "nonsense"
        case "other-secret": signed(body, secret: "whsec_not_ours")
        case "stale": signed(body, at: now.addingTimeInterval(-301))
        default: "t=\(Int(now.timeIntervalSince1970)),v0=abcdef"
        }
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/webhooks/stripe", body: body, signature: header)
            #expect(response.status == .badRequest)
            #expect(response.json["error"] as? String == "invalid_signature")
            #expect((response.json["reason"] as? String)?.isEmpty == false)
            // The process keeps serving.
            #expect(try await post(client, "/webhooks/stripe", body: body, signature: signed(body)).status == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"billing_intake_verification_failures_total{route="stripe",reason="\#(reason)"} 1"#))
        }
        #expect(publisher.messages.count == 1)
    }

    @Test(arguments: [
        ("not json at all", "invalid_json"),
        (#"{"object":"event","type":"invoice.paid"}"#, "invalid_event"),
        (#"{"id":"evt_1","object":"event"}"#, "invalid_event"),
        (#"{"id":"evt_1","type":"invoice.#"}"#, "invalid_event"),
        (#"{"id":"","type":"invoice.paid"}"#, "invalid_event"),
        (#"{"id":42,"type":"invoice.paid"}"#, "invalid_event"),
        (#"[1,2,3]"#, "invalid_event"),
    ])
    func signedButInvalidEventsAre400(body: String, error: String) async throws {
        let bytes = Array(body.utf8)
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/webhooks/stripe", body: bytes, signature: signed(bytes))
            #expect(response.status == .badRequest)
            #expect(response.json["error"] as? String == error)
        }
        #expect(publisher.messages.isEmpty)
    }

    /// Signed bodies that are not valid UTF-8 JSON, or whose id cannot travel as an AMQP short
    /// string: refused with 400 and never published (the consumer would only dead-letter them).
    @Test(arguments: [
        ("a raw NUL in a string", Array(#"{"id":"evt_"#.utf8) + [0] + Array(#"","type":"invoice.paid"}"#.utf8), "invalid_json"),
        ("an invalid UTF-8 byte", Array(#"{"id":"evt_"#.utf8) + [0xC3, 0x28] + Array(#"","type":"invoice.paid"}"#.utf8), "invalid_json"),
        ("a lone continuation byte", Array(#"{"id":"evt_1","type":"invoice.paid","x":""#.utf8) + [0x80] + Array(#""}"#.utf8), "invalid_json"),
        ("a duplicate key", Array(#"{"id":"evt_1","id":"evt_2","type":"invoice.paid"}"#.utf8), "invalid_json"),
        ("an id of 300 bytes", Array(#"{"id":"\#(String(repeating: "e", count: 300))","type":"invoice.paid"}"#.utf8), "invalid_event"),
    ])
    func hostileSignedBodiesAre400AndNeverPublished(_ what: String, body: [UInt8], error: String) async throws {
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/webhooks/stripe", body: body, signature: signed(body))
            #expect(response.status == .badRequest, "\(what)")
            #expect(response.json["error"] as? String == error, "\(what)")
        }
        #expect(publisher.messages.isEmpty)
    }

    /// Without a well-formed signature header the body is never read: even a body over the limit
    /// gets 400 invalid_signature, not 413.
    @Test(arguments: [nil, "t=1,v9=abc", "garbage"] as [String?])
    func theSignatureHeaderIsCheckedBeforeTheBodyIsRead(signature: String?) async throws {
        let body = Array(#"{"id":"evt_big","type":"invoice.paid","pad":"\#(String(repeating: "x", count: 5000))"}"#.utf8)
        try await makeApp(maxWebhookBodyBytes: 4096).test(.router) { (client) async throws -> Void in
            for uri in ["/webhooks/stripe", "/v1/events"] {
                let response = try await post(client, uri, body: body, signatureHeader: uri == "/v1/events" ? "Billing-Signature" : "Stripe-Signature",
                                              signature: signature)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.json["error"] as? String == "invalid_signature", "\(uri)")
            }
        }
        #expect(publisher.messages.isEmpty)
    }

    @Test func anOversizedBodyIs413() async throws {
        let body = Array(#"{"id":"evt_big","type":"invoice.paid","pad":"\#(String(repeating: "x", count: 5000))"}"#.utf8)
        try await makeApp(maxWebhookBodyBytes: 4096).test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/webhooks/stripe", body: body, signature: signed(body))
            #expect(response.status == .contentTooLarge)
            #expect(response.json["error"] as? String == "body_too_large")
        }
        #expect(publisher.messages.isEmpty)
    }

    @Test(arguments: [
        ("application/json", true), ("Application/JSON", true), (" application/json ; charset=utf-8", true),
        ("application/json;charset=UTF-8", true), ("application/jsonx", false), ("application/json-seq", false),
        ("text/plain", false), ("", false), ("application/jso", false), ("application\u{0F}json", false),
    ])
    func onlyJSONMediaTypesAreTaken(value: String, accepted: Bool) {
        #expect(IntakeApplication.isJSONMediaType(value) == accepted)
    }

    @Test func aNonJSONContentTypeIs415() async throws {
        let body = stripeEvent()
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/webhooks/stripe", body: body, signature: signed(body), contentType: "text/plain")
            #expect(response.status == .unsupportedMediaType)
            #expect(try await post(client, "/webhooks/stripe", body: body, signature: signed(body),
                                   contentType: "application/json; charset=utf-8").status == .ok)
        }
    }

    /// Every way the broker does not confirm is 503 with Retry-After, the reason naming which:
    /// back-pressure (a blocked broker, too many unconfirmed messages) answers at once the same way.
    @Test(arguments: [
        (AMQPError.notConnected(lastError: "refused"), "broker_unavailable"), (.nacked, "nacked"),
        (.confirmTimeout(after: .seconds(10)), "confirm_timeout"), (.connectionLost(reason: "reset"), "connection_lost"),
        (.unroutable(exchange: "billing.events", routingKey: "stripe.x", reason: "312 NO_ROUTE"), "unroutable"),
        (.blocked(reason: "low on memory"), "broker_blocked"), (.overloaded(limit: 20_000), "overloaded"),
    ])
    func whenTheBrokerDoesNotConfirmTheAnswerIs503WithRetryAfter(error: AMQPError, reason: String) async throws {
        publisher.failure.withLock { $0 = error }
        let body = stripeEvent()
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/webhooks/stripe", body: body, signature: signed(body))
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "5")
            #expect(response.json["error"] as? String == "broker_unavailable")
            #expect((response.json["reason"] as? String)?.contains("(\(reason))") == true)
        }
    }

    // MARK: internal events

    func internalEvent(_ index: Int, type: String = "usage.recorded") -> String {
        #"{"id":"use_\#(index)","type":"\#(type)","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"ten_1","data":{"metric":"api_calls","quantity":\#(index)}}"#
    }

    @Test func oneInternalEventIsAccepted202() async throws {
        let body = Array(internalEvent(1).utf8)
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/v1/events", body: body, signatureHeader: "Billing-Signature",
                                          signature: signed(body, secret: Self.internalSecret))
            #expect(response.status == .accepted)
        }
        let message = try #require(publisher.messages.first)
        #expect(message.routingKey == "internal.usage.recorded")
        #expect(message.properties.messageID == "use_1")
        #expect(message.properties.headers["x-tenant-id"] == .string("ten_1"))
        #expect(message.body == body)
    }

    @Test func eachEventOfABatchIsPublishedAsTheBytesItCameIn() async throws {
        let events = [
            #"{ "id": "use_a", "type": "usage.recorded", "occurred_at": "2026-11-24T12:00:00.125+01:00", "tenant_id": "ten_1", "data": {"metric": "storage_gb", "quantity": 1.250} }"#,
            #"{"data":{"metric":"api_calls","quantity":12345678901234567890},"tenant_id":"ten_\u00e9","occurred_at":"2026-11-24t12:00:00z","type":"usage.recorded","id":"use_b"}"#,
        ]
        let body = Array("[\n  \(events.joined(separator: " ,\n  "))\n]\n".utf8)
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/v1/events", body: body, signatureHeader: "Billing-Signature",
                                          signature: signed(body, secret: Self.internalSecret))
            #expect(response.status == .accepted)
        }
        #expect(publisher.messages.map(\.body) == events.map { Array($0.utf8) })
        #expect(publisher.messages.map(\.properties.headers["x-tenant-id"]) == [.string("ten_1"), .string("ten_é")])
        #expect(publisher.messages.first?.properties.timestamp == 1_795_518_000)
    }

    @Test(arguments: [
        (#"{"id":"a","id":"b","type":"usage.recorded","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"t","data":{}}"#, #"byte 10: duplicate key "id""#),
        ("[" + String(repeating: "{\"a\":[", count: 60), "byte 300: nested deeper than 100 levels"),
        (#"[{"id":"a"},]"#, "byte 12: expected a JSON value"),
        ("{\"id\":\"\u{FFFD}\u{1}\"}", "byte 10: a control character must be escaped inside a string"),
    ])
    func malformedJSONIsRefusedNamingTheByte(text: String, reason: String) async throws {
        let body = Array(text.utf8)
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/v1/events", body: body, signatureHeader: "Billing-Signature",
                                          signature: signed(body, secret: Self.internalSecret))
            #expect(response.status == .badRequest)
            #expect(response.json["error"] as? String == "invalid_json")
            #expect((response.json["reason"] as? String)?.contains(reason) == true, "\(response.json)")
        }
        #expect(publisher.messages.isEmpty)
    }

    @Test func aBatchOfAThousandIsOnePublishOfAThousandMessages() async throws {
        let body = Array("[\((0..<1000).map { internalEvent($0) }.joined(separator: ","))]".utf8)
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/v1/events", body: body, signatureHeader: "Billing-Signature",
                                          signature: signed(body, secret: Self.internalSecret))
            #expect(response.status == .accepted)
            #expect(response.json["accepted"] as? String == "1000")
        }
        #expect(publisher.batches.withLock { $0.count } == 1)
        #expect(publisher.messages.map(\.properties.messageID) == (0..<1000).map { "use_\($0)" })
    }

    @Test func anInvalidBatchReportsEveryErrorWithItsIndexAndPublishesNothing() async throws {
        var items = (0..<10).map { internalEvent($0) }
        items[3] = #"{"id":"use_3","type":"usage.recorded","occurred_at":"yesterday","tenant_id":"ten_1","data":{}}"#
        items[7] = internalEvent(7, type: "Usage Recorded")
        let body = Array("[\(items.joined(separator: ","))]".utf8)
        try await makeApp().test(.router) { (client) async throws -> Void in
            let response = try await post(client, "/v1/events", body: body, signatureHeader: "Billing-Signature",
                                          signature: signed(body, secret: Self.internalSecret))
            #expect(response.status == .badRequest)
            #expect(response.json["error"] as? String == "invalid_events")
            let errors = try #require(response.json["errors"] as? [[String: Any]])
            #expect(errors.map { $0["index"] as? Int } == [3, 7])
            #expect(errors.map { $0["field"] as? String } == ["occurred_at", "type"])
        }
        #expect(publisher.messages.isEmpty)
    }

    @Test func batchesOverTheLimitOrEmptyAreRefused() async throws {
        for body in ["[]", "[\((0..<1001).map { internalEvent($0) }.joined(separator: ","))]", "42"].map({ Array($0.utf8) }) {
            try await makeApp().test(.router) { (client) async throws -> Void in
                let response = try await post(client, "/v1/events", body: body, signatureHeader: "Billing-Signature",
                                              signature: signed(body, secret: Self.internalSecret))
                #expect(response.status == .badRequest)
            }
        }
        #expect(publisher.messages.isEmpty)
    }

    @Test func internalEventsSignedWithTheStripeSecretAreRefused() async throws {
        let body = Array(internalEvent(1).utf8)
        try await makeApp().test(.router) { (client) async throws -> Void in
            #expect(try await post(client, "/v1/events", body: body, signatureHeader: "Billing-Signature",
                                   signature: signed(body, secret: Self.secret)).status == .badRequest)
            #expect(try await post(client, "/v1/events", body: body, signatureHeader: "Stripe-Signature",
                                   signature: signed(body, secret: Self.internalSecret)).status == .badRequest)
        }
        #expect(publisher.messages.isEmpty)
    }

    // MARK: health

    /// Readiness names a blocked broker, so an operator (and a load balancer) sees why.
    @Test func readinessNamesABlockedBroker() async throws {
        let intake = IntakeApplication(
            settings: IntakeSettings(stripeWebhookSecrets: [Self.secret], internalSecret: Self.internalSecret, opsToken: Self.opsToken),
            publisher: publisher, readiness: ReadinessChecks(reporting: [("broker", { @Sendable in "broker_blocked" })]),
            logger: Logger(label: "test"))
        try await Application(router: intake.makeRouter()).test(.router) { (client) async throws -> Void in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == #"{"broker":"broker_blocked"}"#)
            }
        }
    }

    @Test func healthAndMetricsAnswer() async throws {
        try await makeApp().test(.router) { (client) async throws -> Void in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"billing_intake_requests_total{route="/readyz",status="200"} 1"#))
            #expect(metrics.contains("billing_intake_publish_in_flight"))
        }
    }
}

@Suite("Intake JSON answers")
struct IntakeJSONTests {
    @Test(arguments: ["evt_1", "", "evt_\"quoted\"\\", "line\nbreak\u{1}", "café ✓"])
    func handBuiltJSONStringsRoundTrip(_ value: String) throws {
        var out: [UInt8] = []
        IntakeApplication.appendJSONString(value, to: &out)
        let decoded = try JSONSerialization.jsonObject(with: Data(Array("{\"k\":".utf8) + out + Array("}".utf8))) as? [String: String]
        #expect(decoded?["k"] == value)
    }
}
