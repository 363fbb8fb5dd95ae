import Hummingbird
import Logging

/// Turns a failure of an operator route that is not an answer (`HTTPResponseError`) — the
/// database down, a timeout — into `503` with `Retry-After` and the JSON error shape, logged
/// with the route; the caller learns to retry, never a stack trace.
struct OperatorFailureMiddleware: RouterMiddleware {
    let retryAfterSeconds: Int
    let describe: @Sendable (any Error) -> String
    let logger: Logger

    func handle(_ request: Request, context: BillingRequestContext,
                next: (Request, BillingRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error("operator request failed", metadata: ["path": "\(context.endpointPath ?? request.uri.path)", "error": "\(describe(error))"])
            var response = IntakeApplication.refusal(.serviceUnavailable, "unavailable", "the request could not be answered now; retry later")
            response.headers[.retryAfter] = String(retryAfterSeconds)
            return response
        }
    }
}
