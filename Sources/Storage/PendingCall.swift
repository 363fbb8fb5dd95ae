/// A call to another system (Stripe) that a consumer decided inside its transaction and makes
/// after the commit: a row of `pending_calls`, from the decision until its outcome is recorded.
public struct PendingCall: Sendable, Equatable {
    /// What the call is, unique: `command:<command id>`, `step:<case id>:<step key>`.
    public var key: String
    /// The consumer whose handler makes it.
    public var consumer: String
    /// The event whose transaction decided it.
    public var eventID: String
    /// What the handler needs to make it (JSON it wrote itself).
    public var payload: String
    /// Times it has been taken, this one included.
    public var attempts: Int
    /// Why the last attempt failed.
    public var lastError: String?

    /// A call as read from its row.
    public init(key: String, consumer: String, eventID: String, payload: String, attempts: Int, lastError: String? = nil) {
        self.key = key
        self.consumer = consumer
        self.eventID = eventID
        self.payload = payload
        self.attempts = attempts
        self.lastError = lastError
    }
}
