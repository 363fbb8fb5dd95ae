import BillingCore
import Foundation

/// Stripe's webhook secrets and API access.
public struct StripeSettings: Sendable, Equatable {
    public var webhookSecrets: [Secret]
    public var apiKey: Secret
    public var apiBase: URL

    public init(webhookSecrets: [Secret], apiKey: Secret, apiBase: URL) {
        self.webhookSecrets = webhookSecrets
        self.apiKey = apiKey
        self.apiBase = apiBase
    }

    /// How the Stripe client calls the API.
    public var api: StripeAPIConfiguration {
        StripeAPIConfiguration(apiKey: apiKey.value, baseURL: apiBase.absoluteString)
    }
}
