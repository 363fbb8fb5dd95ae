import Foundation

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
