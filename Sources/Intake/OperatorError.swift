import HTTPTypes
import Hummingbird

/// An operator route's answer other than 200: its status and the JSON `{"error", "reason"}`
/// every refusal of this service carries.
public struct OperatorError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status answered, e.g. 404 or 409.
    public var status: HTTPResponse.Status
    /// A stable code for programs, e.g. `not_found`.
    var code: String
    /// What went wrong and what to do, for people.
    var reason: String

    /// An answer of `status` with the JSON `{"error": code, "reason": reason}`.
    public init(status: HTTPResponse.Status, code: String, reason: String) {
        self.status = status
        self.code = code
        self.reason = reason
    }

    /// 404: the thing named does not exist.
    public static func notFound(_ reason: String) -> OperatorError { OperatorError(status: .notFound, code: "not_found", reason: reason) }
    /// 400: the request is malformed.
    public static func badRequest(_ reason: String) -> OperatorError { OperatorError(status: .badRequest, code: "bad_request", reason: reason) }

    /// The JSON refusal every route of this service answers with.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        IntakeApplication.refusal(status, code, reason)
    }

    /// `<status> <code>: <reason>`, for logs.
    public var description: String { "\(status.code) \(code): \(reason)" }
}
