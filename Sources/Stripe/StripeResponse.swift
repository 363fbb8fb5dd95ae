import Foundation

/// Stripe's answer to a call that succeeded.
public struct StripeResponse: Sendable {
    /// The HTTP status, 2xx.
    package var status: Int
    /// The JSON body as received: the object created or changed, for callers that need more than its id.
    public var body: [UInt8]
    /// `Request-Id`, to quote to Stripe's support; nil when the answer had none.
    public var requestID: String?

    /// The `id` of the object returned, when there is one.
    package var objectID: String? {
        struct Object: Decodable { var id: String? }
        return (try? JSONDecoder().decode(Object.self, from: Data(body)))?.id
    }
}
