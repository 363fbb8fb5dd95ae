/// The platform's usage event: the `data` of an ``InternalEvent`` of type ``eventType``,
/// `{"metric": "api_calls", "quantity": 1200}`. The usage consumer reads it byte by byte
/// (the quantity from its own digits, so no binary rounding comes between text and units);
/// this type names the contract and writes it.
public struct UsageRecorded: Sendable, Equatable, Encodable {
    /// `usage.recorded`.
    public static let eventType = "usage.recorded"
    /// The names of its members.
    public enum Field {
        /// `metric`: a ``UsageMetric`` raw value.
        public static let metric = "metric"
        /// `quantity`: a non-negative number (storage in GB, up to three decimals).
        public static let quantity = "quantity"
    }

    /// A ``UsageMetric`` raw value.
    var metric: String
    /// How much was used, in the metric's reported unit.
    var quantity: Double

    package init(metric: String, quantity: Double) {
        self.metric = metric
        self.quantity = quantity
    }
}
