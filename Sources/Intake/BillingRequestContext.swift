import Foundation
import Hummingbird

/// The request context of every route the HTTP server serves: Hummingbird's core storage,
/// JSON answers with sorted keys and ISO 8601 times (the operator API's convention), and who
/// the caller proved to be.
public struct BillingRequestContext: RequestContext {
    /// Who a request proved to be.
    package enum Principal: Sendable, Equatable {
        /// The holder of `BILLING_OPS_TOKEN`: every tenant, every operator route.
        case `operator`
    }

    /// Hummingbird's per-request storage (logger, endpoint path, path parameters).
    public var coreContext: CoreRequestContextStorage
    /// Set by ``OperatorTokenMiddleware`` once the bearer token matched; nil on public routes.
    package var principal: Principal?

    /// The context of a new request: no principal until the operator middleware proves one.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// Operator request bodies are small JSON documents; the webhook routes stream their
    /// bodies under their own limits.
    public var maxUploadSize: Int { 64 << 10 }

    /// Encodes route results as JSON with sorted keys and ISO 8601 dates.
    public var responseEncoder: JSONEncoder { Self.encoder }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
