import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

/// A local stand-in for Stripe's REST API, on a real port: records every request, answers in
/// Stripe's shapes, replays a stored answer for a repeated `Idempotency-Key` as Stripe does,
/// and can be told to decline, throttle, fail or hang on a path.
final class FakeStripe: Sendable {
    struct Recorded: Sendable, Equatable {
        var method: String
        var path: String
        var form: [String: String]
        var idempotencyKey: String?
        var authorization: String?
    }

    enum Behaviour: Sendable {
        case answer(status: Int, body: String, shouldRetry: Bool? = nil)
        /// Answers only after `delay` (longer than the client's timeout: a timeout).
        case hang(Duration)

        static func decline(_ code: String = "card_declined", declineCode: String = "insufficient_funds") -> Behaviour {
            .answer(status: 402, body: #"{"error":{"type":"card_error","code":"\#(code)","decline_code":"\#(declineCode)","message":"Your card was declined."}}"#)
        }
        static let serverError = Behaviour.answer(status: 500, body: #"{"error":{"type":"api_error","message":"An unknown error occurred"}}"#)
        static let tooManyRequests = Behaviour.answer(status: 429, body: #"{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}"#)
    }

    private struct State {
        var requests: [Recorded] = []
        var effects: [Recorded] = []
        var scripts: [String: [Behaviour]] = [:]
        var stored: [String: (status: Int, body: String)] = [:]
        var nextID = 1
    }

    private let state = Mutex(State())
    /// Called with each request before it is answered (a test looks at the database then).
    private let onRequest: (@Sendable (Recorded) async -> Void)?

    init(onRequest: (@Sendable (Recorded) async -> Void)? = nil) {
        self.onRequest = onRequest
    }

    /// Every request received, in order.
    var requests: [Recorded] { state.withLock { $0.requests } }
    /// Requests that took effect: not errors, not idempotent replays.
    var effects: [Recorded] { state.withLock { $0.effects } }

    /// The next requests whose path starts with `pathPrefix` get `behaviours`, one each, then
    /// the normal answer again.
    func script(_ pathPrefix: String, _ behaviours: [Behaviour]) {
        state.withLock { $0.scripts[pathPrefix, default: []] += behaviours }
    }

    /// Serves until `body` returns; `body` gets the base URL (`http://127.0.0.1:PORT`).
    @discardableResult
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.on("**", method: .post) { request, context in try await self.answer(request, context) }
        router.on("**", method: .delete) { request, context in try await self.answer(request, context) }
        router.on("**", method: .get) { request, context in try await self.answer(request, context) }
        var logger = Logger(label: "fake-stripe")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    private func answer(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        var request = request
        let bodyBuffer = try await request.collectBody(upTo: 1 << 20)
        let recorded = Recorded(method: request.method.rawValue, path: request.uri.path, form: Self.decodeForm(String(buffer: bodyBuffer)),
                                idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
                                authorization: request.headers[.authorization])
        await onRequest?(recorded)
        enum Step { case replay(Int, String), behave(Behaviour), normal }
        let step: Step = state.withLock { state in
            state.requests.append(recorded)
            if let key = recorded.idempotencyKey, let stored = state.stored[key] { return .replay(stored.status, stored.body) }
            if let prefix = state.scripts.keys.sorted(by: { $0.count > $1.count }).first(where: { recorded.path.hasPrefix($0) }),
               var queue = state.scripts[prefix], !queue.isEmpty {
                let next = queue.removeFirst()
                state.scripts[prefix] = queue
                return .behave(next)
            }
            return .normal
        }
        switch step {
        case .replay(let status, let body):
            return Self.response(status, body, shouldRetry: nil)
        case .behave(.hang(let delay)):
            try await Task.sleep(for: delay)
            return Self.response(500, #"{"error":{"type":"api_error","message":"too late"}}"#, shouldRetry: nil)
        case .behave(.answer(let status, let body, let shouldRetry)):
            if status == 402 { store(recorded, status, body) }
            return Self.response(status, body, shouldRetry: shouldRetry)
        case .normal:
            let body = normalAnswer(recorded)
            store(recorded, 200, body)
            state.withLock { $0.effects.append(recorded) }
            return Self.response(200, body, shouldRetry: nil)
        }
    }

    private func store(_ recorded: Recorded, _ status: Int, _ body: String) {
        guard let key = recorded.idempotencyKey else { return }
        state.withLock { $0.stored[key] = (status, body) }
    }

    private func normalAnswer(_ recorded: Recorded) -> String {
        let number = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        let parts = recorded.path.split(separator: "/")
        if recorded.path == "/v1/subscription_schedules" {
            return #"{"id":"sub_sched_\#(number)","object":"subscription_schedule","subscription":"\#(recorded.form["from_subscription"] ?? "")","phases":[{"start_date":1764000000,"end_date":1766592000}]}"#
        }
        let id = parts.count >= 3 ? String(parts[2]) : "obj_\(number)"
        return #"{"id":"\#(id)","object":"\#(parts.count >= 2 ? parts[1].dropLast() : "object")"}"#
    }

    private static func response(_ status: Int, _ body: String, shouldRetry: Bool?) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("Request-Id")!] = "req_\(UUID().uuidString.prefix(12))"
        if let shouldRetry { headers[HTTPField.Name("Stripe-Should-Retry")!] = shouldRetry ? "true" : "false" }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func decodeForm(_ text: String) -> [String: String] {
        var form: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            form[name] = value
        }
        return form
    }
}
