/// The platform's usage event: the `data` of an ``InternalEvent`` of type ``eventType``,
/// `{"metric": "api_calls", "quantity": 1200}`. The usage consumer reads it byte by byte
/// (the quantity from its own digits, so no binary rounding comes between text and units);
/// this type names the contract and writes it.
public struct UsageRecorded: Sendable, Equatable, Encodable {
    /// `usage.recorded`.
    public static let eventType = "usage.recorded"
    /// The names of its members.
    public enum Field {
        public static let metric = "metric"
        public static let quantity = "quantity"
    }

    /// A ``UsageMetric`` raw value.
    public var metric: String
    public var quantity: Double

    public init(metric: String, quantity: Double) {
        self.metric = metric
        self.quantity = quantity
    }
}
