import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Calls Stripe's REST API: form-encoded bodies, `Authorization: Bearer`, the request's
/// `Idempotency-Key` on every attempt, and retries with jittered exponential back-off on
/// network errors, timeouts, 409, 429 and 5xx, as `Stripe-Should-Retry` allows.
public struct StripeClient: Sendable {
    let configuration: StripeAPIConfiguration
    let httpClient: HTTPClient
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    let jitter: @Sendable () -> Double

    /// A client for the API `configuration` describes. `httpClient` defaults to the process-wide shared one; `sleep`
    /// and `jitter` are the waits between attempts and the random point in each back-off window, replaced only by
    /// tests.
    public init(configuration: StripeAPIConfiguration, httpClient: HTTPClient = .shared, logger: Logger,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.sleep = sleep
        self.jitter = jitter
    }

    /// Sends `request`, retrying as the policy allows; throws the last error.
    public func send(_ request: StripeRequest) async throws -> StripeResponse {
        var attempt = 1
        while true {
            let (outcome, shouldRetry) = await once(request)
            switch outcome {
            case .success(let response):
                return response
            case .failure(let error):
                guard let wait = configuration.retry.delay(afterAttempt: attempt, error: error, shouldRetry: shouldRetry, jitter: jitter()) else {
                    throw error
                }
                logger.notice("Stripe call failed; retrying", metadata: [
                    "call": "\(request)", "attempt": "\(attempt)", "error": "\(error)", "wait": "\(wait)"])
                try await sleep(wait)
                attempt += 1
            }
        }
    }

    func once(_ request: StripeRequest) async -> (Result<StripeResponse, StripeAPIError>, shouldRetry: Bool?) {
        var http = HTTPClientRequest(url: configuration.baseURL + request.path)
        http.method = HTTPMethod(rawValue: request.method.rawValue)
        http.headers.add(name: "Authorization", value: "Bearer \(configuration.apiKey)")
        http.headers.add(name: "User-Agent", value: "billing-worker")
        if let version = configuration.apiVersion { http.headers.add(name: "Stripe-Version", value: version) }
        if let key = request.idempotencyKey { http.headers.add(name: "Idempotency-Key", value: key) }
        if request.method != .get {
            http.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            http.body = .bytes(ByteBuffer(string: request.encodedForm))
        }
        let seconds = configuration.timeout.components
        let timeout = TimeAmount.nanoseconds(seconds.seconds * 1_000_000_000 + seconds.attoseconds / 1_000_000_000)
        do {
            let response = try await httpClient.execute(http, timeout: timeout, logger: logger)
            let body = try await response.body.collect(upTo: 16 << 20)
            let requestID = response.headers.first(name: "Request-Id")
            let shouldRetry = response.headers.first(name: "Stripe-Should-Retry").map { $0.lowercased() == "true" }
            let bytes = Array(body.readableBytesView)
            guard (200..<300).contains(Int(response.status.code)) else {
                return (.failure(Self.apiError(status: Int(response.status.code), body: bytes, requestID: requestID)), shouldRetry)
            }
            return (.success(StripeResponse(status: Int(response.status.code), body: bytes, requestID: requestID)), nil)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return (.failure(.timeout), nil)
        } catch {
            return (.failure(.network(reason: "\(error)")), nil)
        }
    }

    static func apiError(status: Int, body: [UInt8], requestID: String?) -> StripeAPIError {
        struct Envelope: Decodable {
            struct Detail: Decodable {
                var type: String?
                var code: String?
                var decline_code: String?
                var message: String?
            }
            var error: Detail
        }
        let detail = try? JSONDecoder().decode(Envelope.self, from: Data(body)).error
        return .api(StripeErrorAnswer(status: status, type: detail?.type, code: detail?.code, declineCode: detail?.decline_code,
                                      message: detail?.message ?? "HTTP \(status)", requestID: requestID))
    }
}
