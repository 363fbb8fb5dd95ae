import Messages

/// How the intake verifies and limits what it takes.
public struct IntakeSettings: Sendable {
    /// Stripe's webhook signing secrets (two during a rotation).
    var stripeWebhookSecrets: [String]
    /// The HMAC key of the platform's internal events.
    var internalSecret: String
    /// The bearer token of the operator endpoints.
    var opsToken: String
    /// How far a signed timestamp may be from now.
    var signatureToleranceSeconds: Int64
    /// The largest Stripe webhook body taken; larger ones get 413 while still streaming.
    var maxWebhookBodyBytes: Int
    /// The largest internal-events body (a batch of up to ``maxBatchSize`` events).
    var maxInternalBodyBytes: Int
    /// The most events one `POST /v1/events` may carry.
    var maxBatchSize: Int
    /// The exchange events are published to.
    var exchange: String
    /// Sent with 503 answers, so callers (Stripe retries anyway) wait before trying again.
    var retryAfterSeconds: Int
    /// Requests whose body is being read (signature not yet verified) at most; beyond, 503.
    public var maxUnverifiedRequests: Int = ClientLimits().maxUnverifiedRequests
    /// How an operator route's unexpected failure is written to the log. The composition root
    /// gives one that knows the database's errors (whose own description hides the cause, and
    /// whose debug description would carry query parameters).
    public var describeFailure: @Sendable (any Error) -> String = { "\($0)" }

    /// The intake's settings: the secrets and token it checks, and limits that default to what the service runs with.
    public init(stripeWebhookSecrets: [String], internalSecret: String, opsToken: String, signatureToleranceSeconds: Int64 = 300,
                maxWebhookBodyBytes: Int = 1 << 20, maxInternalBodyBytes: Int = 4 << 20, maxBatchSize: Int = 1000,
                exchange: String = BrokerNames.eventsExchange, retryAfterSeconds: Int = 5) {
        self.stripeWebhookSecrets = stripeWebhookSecrets
        self.internalSecret = internalSecret
        self.opsToken = opsToken
        self.signatureToleranceSeconds = signatureToleranceSeconds
        self.maxWebhookBodyBytes = maxWebhookBodyBytes
        self.maxInternalBodyBytes = maxInternalBodyBytes
        self.maxBatchSize = maxBatchSize
        self.exchange = exchange
        self.retryAfterSeconds = retryAfterSeconds
    }
}
