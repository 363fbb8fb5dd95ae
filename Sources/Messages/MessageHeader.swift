/// The message headers this project defines. The intake and producers set the first group;
/// the consumer runtime keeps the second as a message moves between work, retry and
/// dead-letter queues.
public enum MessageHeader {
    /// Who published the message: a ``MessageSource`` raw value.
    public static let source = "x-source"
    /// The tenant an internal event belongs to.
    public static let tenantID = "x-tenant-id"
    /// Deliveries with the same key go to the same worker of a batching consumer (Stripe
    /// events: the customer), so concurrent batches do not wait on each other.
    public static let partitionKey = "x-partition-key"
    /// When the intake accepted the message (AMQP timestamp, seconds).
    public static let receivedAt = "x-received-at"
    /// A Stripe event's `livemode`.
    public static let livemode = "x-livemode"
    /// A Stripe event's `api_version`.
    public static let apiVersion = "x-api-version"

    /// The attempt this delivery is (1 when absent).
    public static let attempt = "x-attempt"
    /// The routing key the event was first published with (retries and replays arrive through
    /// the default exchange, whose routing key is the queue name).
    public static let originalRoutingKey = "x-original-routing-key"
    /// When the first attempt failed.
    public static let firstFailedAt = "x-first-failed-at"
    /// The last failure, one line of at most 500 bytes.
    public static let lastError = "x-last-error"
    /// The consumer that gave up on or retried the message.
    public static let consumer = "x-consumer"
    /// When the message was dead-lettered.
    public static let deadLetteredAt = "x-dead-lettered-at"
    /// When an operator replayed the message from its dead-letter queue.
    public static let replayedAt = "x-replayed-at"
}
