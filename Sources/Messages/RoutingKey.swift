/// Routing keys on ``BrokerNames/eventsExchange``: `stripe.<event type>` for Stripe's events
/// and `internal.<event type>` for the platform's and the worker's own.
public enum RoutingKey {
    /// The prefix of every Stripe event's routing key.
    static let stripePrefix = "stripe."
    /// The prefix of every internal event's routing key.
    static let internalPrefix = "internal."

    /// `stripe.<type>`, e.g. `stripe.invoice.payment_failed`.
    public static func stripe(_ eventType: String) -> String { stripePrefix + eventType }

    /// `internal.<type>`, e.g. `internal.usage.recorded`.
    public static func `internal`(_ eventType: String) -> String { internalPrefix + eventType }

    /// Whether a routing key carries a Stripe event.
    public static func isStripe(_ key: String) -> Bool { key.hasPrefix(stripePrefix) }

    /// Whether a routing key carries an internal event.
    public static func isInternal(_ key: String) -> Bool { key.hasPrefix(internalPrefix) }

    /// An event type that is safe inside a topic routing key, Stripe's or ours: lowercase
    /// letters, digits, `_` and `.`, no empty segment, at most 200 bytes. No event can add a
    /// wildcard or an empty word to a binding.
    public static func isValidEventType(_ type: String) -> Bool {
        guard !type.isEmpty, type.utf8.count <= 200, !type.hasPrefix("."), !type.hasSuffix("."), !type.contains("..") else {
            return false
        }
        return type.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}
