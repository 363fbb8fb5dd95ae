/// A meter event to send: its value, its time, and what the window has reported once it is sent.
public struct MeterReport: Sendable, Hashable {
    /// The meter event's value in stored units: the delta for sums, the latest level for levels.
    public var value: Int64
    /// The meter event's time, unix seconds, always inside the window.
    public var timestamp: Int64
    /// What the window's `reportedSum` becomes once the event is sent.
    public var reportedSumAfter: Int64
    /// What the window's `reportedLast` becomes once the event is sent.
    public var reportedLastAfter: Int64?
}
