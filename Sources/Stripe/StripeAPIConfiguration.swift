import Foundation

/// Where and how to call Stripe: the key, the base address, the API version, the timeout and
/// the retry policy. Made from ``StripeSettings/api`` in production; tests build their own.
public struct StripeAPIConfiguration: Sendable {
    /// The secret API key (`sk_…`), sent as `Authorization: Bearer`.
    var apiKey: String
    /// `https://api.stripe.com`, or a local fake's address in tests.
    var baseURL: String
    /// Sent as `Stripe-Version` when set.
    var apiVersion: String?
    /// How long one attempt may wait for Stripe's answer before it counts as a timeout.
    var timeout: Duration
    var retry: StripeRetryPolicy

    package init(apiKey: String, baseURL: String = "https://api.stripe.com", apiVersion: String? = nil, timeout: Duration = .seconds(20),
                 retry: StripeRetryPolicy = StripeRetryPolicy()) {
        self.apiKey = apiKey
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiVersion = apiVersion
        self.timeout = timeout
        self.retry = retry
    }
}
