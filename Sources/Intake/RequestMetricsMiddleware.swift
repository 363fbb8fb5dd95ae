import Hummingbird

/// Counts every answer by route and status.
struct RequestMetricsMiddleware: RouterMiddleware {
    let metrics: IntakeMetrics

    func handle(_ request: Request, context: BillingRequestContext,
                next: (Request, BillingRequestContext) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.request(route: context.endpointPath ?? "unmatched", status: Int(response.status.code))
            return response
        } catch let error as HTTPResponseError {
            metrics.request(route: context.endpointPath ?? "unmatched", status: Int(error.status.code))
            throw error
        }
    }
}
