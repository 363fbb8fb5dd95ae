/// A meter event to send: its value, its time, and what the window has reported once it is sent.
public struct MeterReport: Sendable, Hashable {
    public var value: Int64
    public var timestamp: Int64
    public var reportedSumAfter: Int64
    public var reportedLastAfter: Int64?
}
