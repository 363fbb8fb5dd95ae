/// Stripe's error object, as it answered a call: the HTTP status and the fields of
/// `{"error": {"type", "code", "decline_code", "message"}}`, with the `Request-Id` to quote to
/// Stripe's support.
public struct StripeErrorAnswer: Sendable, Equatable {
    /// The HTTP status of the answer: 402 for a decline, 400 or 404 for an invalid request, 429, 5xx, …
    package var status: Int
    /// Stripe's error type: `card_error`, `invalid_request_error`, `api_error`, …; nil when the body had none.
    public var type: String?
    /// Stripe's error code, e.g. `card_declined`, `resource_missing`, `rate_limit`; nil when it gave none.
    public var code: String?
    /// For a declined card: why, e.g. `insufficient_funds`, `stolen_card`; nil for any other error.
    public var declineCode: String?
    /// Stripe's human-readable explanation, or `HTTP <status>` when the body had none.
    var message: String
    /// The `Request-Id` header, to quote to Stripe's support; nil when the answer had none.
    var requestID: String?

    package init(status: Int, type: String? = nil, code: String? = nil, declineCode: String? = nil, message: String,
                 requestID: String? = nil) {
        self.status = status
        self.type = type
        self.code = code
        self.declineCode = declineCode
        self.message = message
        self.requestID = requestID
    }
}
