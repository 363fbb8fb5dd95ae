/// How a metric is reported to a Stripe meter.
public struct MeterSettings: Sendable, Hashable {
    /// The meter's `event_name`.
    public var eventName: String
    /// Settings for the meter whose `event_name` is `eventName`.
    public init(eventName: String) { self.eventName = eventName }
}
