import Foundation

/// One Stripe event as archived in `stripe_events`.
public struct StripeEventRecord: Sendable, Equatable {
    /// Stripe's event id (`evt_…`).
    public var id: String
    /// The event type, such as `invoice.paid`.
    public var type: String
    /// When Stripe created the event, in Unix seconds.
    public var created: Int64
    /// Whether the event came from live mode; nil when Stripe did not say.
    public var livemode: Bool?
    /// The API version the payload is shaped by; nil when Stripe did not say.
    public var apiVersion: String?
    /// The raw JSON body, as Stripe sent it.
    public var payload: String

    /// An event to archive.
    public init(id: String, type: String, created: Int64, livemode: Bool?, apiVersion: String?, payload: String) {
        self.id = id
        self.type = type
        self.created = created
        self.livemode = livemode
        self.apiVersion = apiVersion
        self.payload = payload
    }
}
