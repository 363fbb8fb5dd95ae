import AMQP
import BillingCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import Messages
import NIOCore
import NIOPosix
import Stripe

/// The intake's HTTP surface:
///
/// - `POST /webhooks/stripe`: verifies `Stripe-Signature` on the raw body, reads the event's
///   envelope and publishes the body unchanged to `billing.events` as `stripe.<type>`; 200 only
///   after the broker confirmed.
/// - `POST /v1/events`: the platform's internal events (one object or an array of up to 1,000),
///   signed with `Billing-Signature`; 202 after one confirm wait for the whole batch. An invalid
///   item refuses the whole batch, with every error and its index.
/// - `GET /healthz`, `GET /readyz`, `GET /metrics`.
/// - the operator routes given (`RouteCollection`s of the consumer modules), behind
///   `Authorization: Bearer <ops token>` (401 without it).
///
/// Refusals are JSON `{"error": <code>, "reason": <text>}`: 400 (signature, JSON, event), 413
/// (body over the limit, detected while streaming), 415 (not JSON), 503 with `Retry-After` when
/// the broker is down, refuses or does not confirm in time — never a 2xx for an unconfirmed event.
public struct IntakeApplication: Sendable {
    let settings: IntakeSettings
    /// Where accepted events go: the broker connection, or a recording fake in tests.
    let publisher: any EventPublisher
    let metrics: IntakeMetrics
    let readiness: ReadinessChecks
    /// Endpoints behind the ops token, each module's own `RouteCollection`.
    let operatorRoutes: [any OperatorRouteProvider]
    let logger: Logger
    /// The current time, for signature tolerance and receive stamps (injectable for tests).
    let now: @Sendable () -> Date

    private let stripeVerifier: WebhookSignatureVerifier
    /// Requests whose body is being read before its signature can be checked.
    private let unverified = InFlightCounter()
    private let internalVerifier: WebhookSignatureVerifier

    static let stripeSignature = HTTPField.Name("Stripe-Signature")!
    static let billingSignature = HTTPField.Name("Billing-Signature")!

    /// The intake with its settings, the publisher accepted events go to, the readiness checks of `GET /readyz` and the
    /// operator routes to mount behind the ops token. `now` is replaced only by tests.
    public init(settings: IntakeSettings, publisher: any EventPublisher, metrics: IntakeMetrics = IntakeMetrics(),
                readiness: ReadinessChecks, operatorRoutes: [any OperatorRouteProvider] = [], logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.operatorRoutes = operatorRoutes
        self.publisher = publisher
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
        self.now = now
        self.stripeVerifier = WebhookSignatureVerifier(secrets: settings.stripeWebhookSecrets,
                                                       toleranceSeconds: settings.signatureToleranceSeconds)
        self.internalVerifier = WebhookSignatureVerifier(secrets: [settings.internalSecret],
                                                         toleranceSeconds: settings.signatureToleranceSeconds)
    }

    /// The router of every route above, with the request metrics middleware; tests drive it
    /// without a server. `/healthz`, `/readyz` and `/metrics` are always there; `webhooks`
    /// adds the intake's two routes, `operators` the operator endpoints (a process without the
    /// intake serves neither; a separate operator listener serves only the operators).
    package func makeRouter(webhooks: Bool = true, operators: Bool = true) -> Router<BillingRequestContext> {
        let router = Router(context: BillingRequestContext.self)
        router.middlewares.add(RequestMetricsMiddleware(metrics: metrics))
        router.get("healthz") { _, _ in Self.json(.ok, ["status": "ok"]) }
        router.get("readyz") { _, _ in await ready() }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
        if webhooks {
            router.post("webhooks/stripe") { request, _ in await stripeWebhook(request) }
            router.post("v1/events") { request, _ in await internalEvents(request) }
        }
        guard operators else { return router }
        let operatorGroup = router.group()
            .add(middleware: OperatorTokenMiddleware(expected: Array(settings.opsToken.utf8)))
            .add(middleware: OperatorFailureMiddleware(retryAfterSeconds: settings.retryAfterSeconds, describe: settings.describeFailure, logger: logger))
        for provider in operatorRoutes { operatorGroup.addRoutes(provider.routes) }
        return router
    }

    /// An HTTP server, as a `Service`, with health, readiness and metrics, and the webhook and
    /// operator routes as asked (see ``makeRouter(webhooks:operators:)``).
    public func makeServer(host: String, port: Int, eventLoopThreads: Int, webhooks: Bool = true,
                           operators: Bool = true, limits: ClientLimits = ClientLimits()) -> some ApplicationProtocol {
        let group = EventLoopGroupProvider.shared(MultiThreadedEventLoopGroup(numberOfThreads: eventLoopThreads))
        let server = HTTPServerBuilder { responder in
            GuardedHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: Self.timeAmount(limits.idleTimeout))),
                                headerTimeout: Self.timeAmount(limits.headerTimeout), bodyTimeout: Self.timeAmount(limits.bodyTimeout))
        }
        return Application(router: makeRouter(webhooks: webhooks, operators: operators), server: server,
                           configuration: .init(address: .hostname(host, port: port), serverName: "billing",
                                                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections)),
                           eventLoopGroupProvider: group, logger: logger)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    // MARK: routes

    func ready() async -> Response {
        var results: [String: String] = [:]
        var ready = true
        for (name, check) in readiness.checks {
            let problem = await check()
            results[name] = problem ?? "ok"
            ready = ready && problem == nil
        }
        return Self.json(ready ? .ok : .serviceUnavailable, results)
    }

    func stripeWebhook(_ request: Request) async -> Response {
        let body: ByteBuffer
        switch await signedBody(of: request, route: "stripe", limit: settings.maxWebhookBodyBytes, signature: Self.stripeSignature,
                                verifier: stripeVerifier) {
        case .success(let verified): body = verified
        case .failure(let refusal): return refusal.response
        }
        let bytes = body.readableBytesView
        // The strict parser first: invalid UTF-8, a raw control byte in a string, a duplicate
        // key — refused here, never published (Foundation's decoder lets some of them through).
        do throws(JSONSyntaxError) {
            _ = try JSONParser.parseObjectMembers(bytes)
        } catch {
            return Self.refusal(.badRequest, "invalid_json", "the body is not valid JSON (\(error))")
        }
        let envelope: StripeEventEnvelope
        do {
            envelope = try JSONDecoder().decode(StripeEventEnvelope.self, from: Data(bytes))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                return Self.refusal(.badRequest, "invalid_json", "the body is not valid JSON")
            }
            return Self.refusal(.badRequest, "invalid_event", "not a Stripe event: \(Self.describe(error))")
        } catch {
            return Self.refusal(.badRequest, "invalid_json", "the body is not valid JSON")
        }
        // The id travels as the message id and the type as the message type: AMQP short strings,
        // so both are bounded (200 bytes, as for the platform's events) before anything is sent.
        guard !envelope.id.isEmpty, envelope.id.utf8.count <= 200, isValidEventType(envelope.type) else {
            return Self.refusal(.badRequest, "invalid_event", "the event needs an id of 1 to 200 bytes and a type such as invoice.paid")
        }
        var headers: [String: AMQPFieldValue] = [
            MessageHeader.source: .string(MessageSource.stripe.rawValue),
            MessageHeader.receivedAt: .timestamp(UInt64(now().timeIntervalSince1970)),
        ]
        if let livemode = envelope.livemode { headers[MessageHeader.livemode] = .bool(livemode) }
        if let version = envelope.apiVersion { headers[MessageHeader.apiVersion] = .string(version) }
        if let customer = envelope.customerID { headers[MessageHeader.partitionKey] = .string(customer) }
        let message = AMQPMessage(
            exchange: settings.exchange, routingKey: RoutingKey.stripe(envelope.type), body: Array(bytes),
            properties: AMQPProperties(contentType: "application/json", headers: headers, persistent: true,
                                       messageID: envelope.id, timestamp: envelope.created.map { UInt64(max($0, 0)) },
                                       type: envelope.type, appID: "billing-intake"))
        return await publish([message], accepted: Self.received(id: envelope.id))
    }

    func internalEvents(_ request: Request) async -> Response {
        let body: ByteBuffer
        switch await signedBody(of: request, route: "internal", limit: settings.maxInternalBodyBytes, signature: Self.billingSignature,
                                verifier: internalVerifier) {
        case .success(let verified): body = verified
        case .failure(let refusal): return refusal.response
        }
        // Each event is published as the bytes it came in: what a consumer or an operator
        // replaying a dead letter reads is exactly what the platform sent.
        let bytes = Array(body.readableBytesView)
        let items: [JSONElement]
        do throws(JSONSyntaxError) {
            switch try JSONParser.parseTopLevel(bytes) {
            case .array(let elements): items = elements
            case .value(let value):
                guard case .object = value else {
                    return Self.refusal(.badRequest, "invalid_events", "expected an event object or an array of events")
                }
                items = [JSONElement(value: value, range: bytes.indices)]
            }
        } catch {
            return Self.refusal(.badRequest, "invalid_json", "the body is not valid JSON (\(error))")
        }
        guard !items.isEmpty, items.count <= settings.maxBatchSize else {
            return Self.refusal(.badRequest, "invalid_events", "a batch holds 1 to \(settings.maxBatchSize) events, not \(items.count)")
        }
        var events: [(event: InternalEvent, range: Range<Int>)] = []
        var errors: [InternalEvent.ValidationError] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            switch InternalEvent.validate(item.value, index: index) {
            case .success(let event): events.append((event, item.range))
            case .failure(let error): errors.append(error)
            }
        }
        guard errors.isEmpty else {
            // Nothing of an invalid batch is published, so the caller can fix and resend it whole.
            return Self.encoded(.badRequest, InvalidEventsBody(error: "invalid_events",
                                                               reason: "\(errors.count) of \(items.count) events are invalid; none was accepted",
                                                               errors: errors))
        }
        let receivedAt = AMQPFieldValue.timestamp(UInt64(now().timeIntervalSince1970))
        var messages: [AMQPMessage] = []
        messages.reserveCapacity(events.count)
        for (event, range) in events {
            messages.append(AMQPMessage(
                exchange: settings.exchange, routingKey: RoutingKey.internal(event.type), body: Array(bytes[range]),
                properties: AMQPProperties(contentType: "application/json",
                                           headers: [MessageHeader.source: .string(MessageSource.internal.rawValue),
                                                     MessageHeader.tenantID: .string(event.tenantID),
                                                     MessageHeader.receivedAt: receivedAt],
                                           persistent: true, messageID: event.id,
                                           timestamp: UInt64(max(event.occurredAt.timeIntervalSince1970, 0)),
                                           type: event.type, appID: "billing-intake")))
        }
        return await publish(messages, accepted: Self.json(.accepted, ["accepted": "\(messages.count)"]))
    }

    struct Refusal: Error {
        var response: Response
    }

    /// The body of a signed JSON request, or the answer refusing it: 415 unless JSON, 413 past
    /// `limit` (while it streams in), 400 when the signature does not verify on the raw bytes.
    func signedBody(of request: Request, route: String, limit: Int, signature: HTTPField.Name,
                    verifier: WebhookSignatureVerifier) async -> Result<ByteBuffer, Refusal> {
        if let refusal = Self.refuseUnlessJSON(request) { return .failure(Refusal(response: refusal)) }
        // The header first: a request without a well-formed, timely signature is refused before
        // its body is buffered.
        do throws(WebhookSignatureError) {
            try verifier.precheck(header: request.headers[signature], now: now())
        } catch {
            return .failure(refuseSignature(error, route: route))
        }
        // Requests whose body is being read are not authenticated yet: bounded, so slow senders
        // with well-formed headers cannot take every connection's worth of memory and time.
        guard unverified.tryEnter(limit: settings.maxUnverifiedRequests) else {
            metrics.publishFailure(reason: "too_many_unverified")
            var response = Self.refusal(.serviceUnavailable, "too_many_unverified", "too many requests are being read at once; retry later")
            response.headers[.retryAfter] = String(settings.retryAfterSeconds)
            return .failure(Refusal(response: response))
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
            unverified.leave()
        } catch {
            unverified.leave()
            return .failure(Refusal(response: Self.refusal(.contentTooLarge, "body_too_large", "the body is larger than \(limit) bytes")))
        }
        do throws(WebhookSignatureError) {
            try verifier.verify(payload: body.readableBytesView, header: request.headers[signature], now: now())
        } catch {
            return .failure(refuseSignature(error, route: route))
        }
        return .success(body)
    }

    func refuseSignature(_ error: WebhookSignatureError, route: String) -> Refusal {
        metrics.verificationFailure(route: route, reason: error.reason)
        logger.notice("refused a signed request", metadata: ["route": "\(route)", "reason": "\(error.reason)"])
        return Refusal(response: Self.refusal(.badRequest, "invalid_signature", error.description))
    }

    /// Publishes with confirm; the answer is `accepted` only once the broker has every message.
    func publish(_ messages: [AMQPMessage], accepted: Response) async -> Response {
        metrics.inFlightConfirms.increment(by: Double(messages.count))
        defer { metrics.inFlightConfirms.decrement(by: Double(messages.count)) }
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try await publisher.publish(messages)
            metrics.confirmLatency.record(clock.now - started)
            return accepted
        } catch {
            let reason: String
            switch error as? AMQPError {
            case .notConnected: reason = "broker_unavailable"
            case .connectionLost: reason = "connection_lost"
            case .nacked: reason = "nacked"
            case .unroutable: reason = "unroutable"
            case .confirmTimeout: reason = "confirm_timeout"
            case .channelClosed: reason = "channel_closed"
            case .blocked: reason = "broker_blocked"
            case .overloaded: reason = "overloaded"
            default: reason = "publish_failed"
            }
            metrics.publishFailure(reason: reason)
            logger.warning("events not accepted: the broker did not confirm", metadata: ["reason": "\(reason)", "error": "\(error)", "count": "\(messages.count)"])
            var response = Self.refusal(.serviceUnavailable, "broker_unavailable", "the event was not stored (\(reason)); retry later")
            response.headers[.retryAfter] = String(settings.retryAfterSeconds)
            return response
        }
    }

    // MARK: responses

    struct RefusalBody: Encodable {
        var error: String
        var reason: String
    }

    struct InvalidEventsBody: Encodable {
        var error: String
        var reason: String
        var errors: [InternalEvent.ValidationError]
    }

    static func refuseUnlessJSON(_ request: Request) -> Response? {
        guard let type = request.headers[.contentType], isJSONMediaType(type) else {
            return refusal(.unsupportedMediaType, "unsupported_media_type", "send the body as application/json")
        }
        return nil
    }

    /// `application/json`, in any case, with optional parameters (`; charset=utf-8`) and
    /// spaces. Compared byte by byte: it runs for every request, and Foundation's trimming and
    /// lowercasing cost more than the signature check.
    static func isJSONMediaType(_ value: String) -> Bool {
        let expected = Array("application/json".utf8)
        var utf8 = Substring(value).utf8[...]
        while utf8.first == UInt8(ascii: " ") { utf8 = utf8.dropFirst() }
        let type = utf8.prefix { $0 != UInt8(ascii: ";") }
        var trimmed = type[...]
        while trimmed.last == UInt8(ascii: " ") { trimmed = trimmed.dropLast() }
        guard trimmed.count == expected.count else { return false }
        return zip(trimmed, expected).allSatisfy { byte, wanted in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 == wanted : byte == wanted
        }
    }

    static func refusal(_ status: HTTPResponse.Status, _ error: String, _ reason: String) -> Response {
        encoded(status, RefusalBody(error: error, reason: reason))
    }

    /// A flat JSON object of strings. Built by hand: it answers every accepted request, and
    /// `JSONSerialization` costs more than the rest of the response path.
    /// `200 {"id": <event id>, "received": true}`, the answer to an accepted webhook.
    static func received(id: String) -> Response {
        var out: [UInt8] = Array(#"{"id":"#.utf8)
        out.reserveCapacity(48 + id.utf8.count)
        appendJSONString(id, to: &out)
        out.append(contentsOf: #","received":true}"#.utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: out)))
    }

    static func json(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(64)
        for (index, (key, value)) in body.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendJSONString(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: out)))
    }

    static func appendJSONString(_ string: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xf)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func encoded(_ status: HTTPResponse.Status, _ body: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "bad field \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: "undecodable"
        }
    }
}
