import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// A read endpoint for operators, served behind `Authorization: Bearer <ops token>`. The
/// intake owns HTTP (authentication, status codes, JSON); whoever supplies the route owns the
/// answer, so the routes that read the database live with the consumers that write it.
public struct OperatorRoute: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", put = "PUT", delete = "DELETE"
    }

    public var method: Method
    /// A Hummingbird path pattern, e.g. `v1/tenants/:tenant_id/entitlements`.
    public var path: String
    public var handler: @Sendable (OperatorRequest) async throws -> any Encodable & Sendable

    public init(_ method: Method, _ path: String, handler: @escaping @Sendable (OperatorRequest) async throws -> any Encodable & Sendable) {
        self.method = method
        self.path = path
        self.handler = handler
    }

    /// A GET route.
    public init(_ path: String, handler: @escaping @Sendable (OperatorRequest) async throws -> any Encodable & Sendable) {
        self.init(.get, path, handler: handler)
    }
}

/// What an operator route sees of its request.
public struct OperatorRequest: Sendable {
    /// The path's `:name` parameters.
    public var parameters: [String: String]
    /// The query string's parameters (the last value of a repeated name).
    public var query: [String: String]
    /// The request body (PUT), at most 64 KiB.
    public var body: [UInt8]

    public init(parameters: [String: String] = [:], query: [String: String] = [:], body: [UInt8] = []) {
        self.parameters = parameters
        self.query = query
        self.body = body
    }

    /// The body as JSON of type `T`; a 400 naming the problem otherwise.
    public func decodeBody<T: Decodable>(_ type: T.Type) throws(OperatorError) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(body)) } catch {
            throw .badRequest("the body is not the expected JSON: \(error)")
        }
    }

    /// A path parameter the route pattern guarantees.
    public func parameter(_ name: String) throws(OperatorError) -> String {
        guard let value = parameters[name], !value.isEmpty else { throw .badRequest("missing \(name)") }
        return value
    }
}

/// An answer other than 200, with a JSON `{"error", "reason"}` body.
public struct OperatorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var reason: String

    public init(status: Int, code: String, reason: String) {
        self.status = status
        self.code = code
        self.reason = reason
    }

    /// 404: the thing named does not exist.
    public static func notFound(_ reason: String) -> OperatorError { OperatorError(status: 404, code: "not_found", reason: reason) }
    /// 400: the request is malformed.
    public static func badRequest(_ reason: String) -> OperatorError { OperatorError(status: 400, code: "bad_request", reason: reason) }

    public var description: String { "\(status) \(code): \(reason)" }
}

/// Refuses requests without the operator bearer token (compared in constant time).
struct OperatorTokenMiddleware: RouterMiddleware {
    let expected: [UInt8]

    func handle(_ request: Request, context: BasicRequestContext,
                next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), expected) else {
            var response = IntakeApplication.refusal(.unauthorized, "unauthorized", "send Authorization: Bearer <BILLING_OPS_TOKEN>")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        // Compare digests: equal length always, so neither timing nor length leaks the token.
        let left = Array(SHA256.hash(data: a)), right = Array(SHA256.hash(data: b))
        var difference: UInt8 = 0
        for index in 0..<left.count { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}

extension IntakeApplication {
    static let operatorEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    func operatorAnswer(_ route: OperatorRoute, _ request: Request, _ context: BasicRequestContext) async -> Response {
        var parameters: [String: String] = [:]
        for (name, value) in context.parameters { parameters[String(name)] = String(value) }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        do {
            let received = route.method == .put ? Array((try await request.body.collect(upTo: 64 << 10)).readableBytesView) : []
            let value = try await route.handler(OperatorRequest(parameters: parameters, query: query, body: received))
            let body = try Self.operatorEncoder.encode(value)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        } catch let error as OperatorError {
            return Self.refusal(HTTPResponse.Status(code: error.status), error.code, error.reason)
        } catch {
            logger.error("operator request failed", metadata: ["path": "\(route.path)", "error": "\(error)"])
            var response = Self.refusal(.serviceUnavailable, "unavailable", "the request could not be answered now; retry later")
            response.headers[.retryAfter] = String(settings.retryAfterSeconds)
            return response
        }
    }
}
