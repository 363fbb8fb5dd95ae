import Crypto
import Hummingbird

/// Refuses requests without the operator bearer token (compared in constant time) with 401,
/// and records the ``BillingRequestContext/Principal`` of those with it.
struct OperatorTokenMiddleware: RouterMiddleware {
    let expected: [UInt8]

    func handle(_ request: Request, context: BillingRequestContext,
                next: (Request, BillingRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), expected) else {
            var response = IntakeApplication.refusal(.unauthorized, "unauthorized", "send Authorization: Bearer <BILLING_OPS_TOKEN>")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        var context = context
        context.principal = .operator
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
