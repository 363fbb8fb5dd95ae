/// Stripe's error object, as it answered a call: the HTTP status and the fields of
/// `{"error": {"type", "code", "decline_code", "message"}}`, with the `Request-Id` to quote to
/// Stripe's support.
public struct StripeErrorAnswer: Sendable, Equatable {
    public var status: Int
    /// `card_error`, `invalid_request_error`, `api_error`, …
    public var type: String?
    /// e.g. `card_declined`, `resource_missing`, `rate_limit`.
    public var code: String?
    /// For a declined card: why, e.g. `insufficient_funds`, `stolen_card`.
    public var declineCode: String?
    public var message: String
    public var requestID: String?

    public init(status: Int, type: String? = nil, code: String? = nil, declineCode: String? = nil, message: String,
                requestID: String? = nil) {
        self.status = status
        self.type = type
        self.code = code
        self.declineCode = declineCode
        self.message = message
        self.requestID = requestID
    }
}
