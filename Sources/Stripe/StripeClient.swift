import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One call to Stripe's REST API, as a value: what to send, not how.
public struct StripeRequest: Sendable, Hashable, CustomStringConvertible {
    public enum Method: String, Sendable, Hashable { case get = "GET", post = "POST", delete = "DELETE" }

    public var method: Method
    /// e.g. `/v1/subscriptions/sub_123`.
    public var path: String
    /// Form fields in order, with Stripe's bracket syntax for nesting: `items[0][price]`.
    public var form: [FormField]
    /// Sent as `Idempotency-Key`, so a retried or repeated call has its effect once.
    public var idempotencyKey: String?

    public struct FormField: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(_ method: Method, _ path: String, form: [FormField] = [], idempotencyKey: String? = nil) {
        self.method = method
        self.path = path
        self.form = form
        self.idempotencyKey = idempotencyKey
    }

    /// `application/x-www-form-urlencoded`, every byte outside the unreserved set escaped.
    public var encodedForm: String {
        form.map { "\(Self.escape($0.name))=\(Self.escape($0.value))" }.joined(separator: "&")
    }

    public var description: String { "\(method.rawValue) \(path)" }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}

/// Stripe's answer to a call that succeeded.
public struct StripeResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// `Request-Id`, to quote to Stripe's support.
    public var requestID: String?

    /// The `id` of the object returned, when there is one.
    public var objectID: String? {
        struct Object: Decodable { var id: String? }
        return (try? JSONDecoder().decode(Object.self, from: Data(body)))?.id
    }
}

/// Why a Stripe call failed.
public enum StripeAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stripe answered with an error object (`type`, `code`, `decline_code`, `message`).
    case api(status: Int, type: String?, code: String?, declineCode: String?, message: String, requestID: String?)
    /// No answer: connection refused or reset, DNS, TLS.
    case network(String)
    /// No answer within the timeout.
    case timeout

    /// Whether trying the same call again later may succeed: network trouble, timeouts, 409
    /// (a conflicting request in flight), 429 and 5xx. Declines and invalid requests will not.
    public var isRetryable: Bool {
        switch self {
        case .network, .timeout: true
        case .api(let status, _, _, _, _, _): status == 409 || status == 429 || status >= 500
        }
    }

    public var description: String {
        switch self {
        case .api(let status, let type, let code, let declineCode, let message, let requestID):
            let detail = [type, code, declineCode].compactMap { $0 }.joined(separator: "/")
            return "Stripe answered \(status)\(detail.isEmpty ? "" : " \(detail)"): \(message)\(requestID.map { " (request \($0))" } ?? "")"
        case .network(let reason): return "Stripe unreachable: \(reason)"
        case .timeout: return "Stripe did not answer in time"
        }
    }
}

/// How the client retries a call, as a pure function of the attempt and its outcome.
public struct StripeRetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before attempt `attempt + 1` after `error`, or nil to give up. `shouldRetry` is
    /// Stripe's `Stripe-Should-Retry` header, which overrides the status when present.
    /// `jitter` in [0, 1) picks a point in the full-jitter window (exponential, capped).
    public func delay(afterAttempt attempt: Int, error: StripeAPIError, shouldRetry: Bool?, jitter: Double) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        guard shouldRetry ?? error.isRetryable else { return nil }
        let window = min(baseDelay * (1 << min(attempt - 1, 20)), maxDelay)
        return window * max(0, min(jitter, 0.999_999)) + .milliseconds(50)
    }
}

/// Where and how to call Stripe.
public struct StripeAPIConfiguration: Sendable {
    public var apiKey: String
    /// `https://api.stripe.com`, or a local fake's address in tests.
    public var baseURL: String
    /// Sent as `Stripe-Version` when set.
    public var apiVersion: String?
    public var timeout: Duration
    public var retry: StripeRetryPolicy

    public init(apiKey: String, baseURL: String = "https://api.stripe.com", apiVersion: String? = nil, timeout: Duration = .seconds(20),
                retry: StripeRetryPolicy = StripeRetryPolicy()) {
        self.apiKey = apiKey
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiVersion = apiVersion
        self.timeout = timeout
        self.retry = retry
    }
}

/// Calls Stripe's REST API: form-encoded bodies, `Authorization: Bearer`, the request's
/// `Idempotency-Key` on every attempt, and retries with jittered exponential back-off on
/// network errors, timeouts, 409, 429 and 5xx, as `Stripe-Should-Retry` allows.
public struct StripeClient: Sendable {
    public let configuration: StripeAPIConfiguration
    let httpClient: HTTPClient
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    let jitter: @Sendable () -> Double

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
            return (.failure(.network("\(error)")), nil)
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
        return .api(status: status, type: detail?.type, code: detail?.code, declineCode: detail?.decline_code,
                    message: detail?.message ?? "HTTP \(status)", requestID: requestID)
    }
}
