import HTTPTypes
import Hummingbird

/// An operator route's answer other than 200: its status and the JSON `{"error", "reason"}`
/// every refusal of this service carries.
public struct OperatorError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable code for programs, e.g. `not_found`.
    public var code: String
    /// What went wrong and what to do, for people.
    public var reason: String

    public init(status: HTTPResponse.Status, code: String, reason: String) {
        self.status = status
        self.code = code
        self.reason = reason
    }

    /// 404: the thing named does not exist.
    public static func notFound(_ reason: String) -> OperatorError { OperatorError(status: .notFound, code: "not_found", reason: reason) }
    /// 400: the request is malformed.
    public static func badRequest(_ reason: String) -> OperatorError { OperatorError(status: .badRequest, code: "bad_request", reason: reason) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        IntakeApplication.refusal(status, code, reason)
    }

    public var description: String { "\(status.code) \(code): \(reason)" }
}
