import BillingCore
import Foundation

/// Stripe's webhook secrets and API access, as read from the environment at start-up.
public struct StripeSettings: Sendable, Equatable {
    /// The webhook signing secrets (`whsec_…`), current first; two during a rotation.
    public var webhookSecrets: [Secret]
    /// The secret API key (`sk_…`) the client calls Stripe with.
    var apiKey: Secret
    /// Stripe's API address: `https://api.stripe.com`, or a local fake's.
    package var apiBase: URL

    package init(webhookSecrets: [Secret], apiKey: Secret, apiBase: URL) {
        self.webhookSecrets = webhookSecrets
        self.apiKey = apiKey
        self.apiBase = apiBase
    }

    /// How the Stripe client calls the API.
    public var api: StripeAPIConfiguration {
        StripeAPIConfiguration(apiKey: apiKey.value, baseURL: apiBase.absoluteString)
    }
}
