import Foundation

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
