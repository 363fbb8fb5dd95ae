/// The names of the broker objects this project defines: one exchange, and per consumer a
/// work queue, its retry queues and its dead-letter queue (docs/ARCHITECTURE.md, "The message
/// contract"). RabbitMQ's own argument names (`x-queue-type`, …) are written
/// where the topology and dead letters use them, in `ConsumerRuntime`.
public enum BrokerNames {
    /// The topic exchange every event is published to, by the intake and by consumers alike.
    public static let eventsExchange = "billing.events"

    /// A consumer's work queue when its file names none: `billing.<consumer>`.
    public static func workQueue(consumer: String) -> String { "billing.\(consumer)" }

    /// Where a work queue's messages go when they give up: `<queue>.dead`.
    public static func deadLetterQueue(of queue: String) -> String { "\(queue).dead" }

    /// The queue that holds messages of `queue` for one delay, written as the consumer files
    /// write it (`5s`, `2m`): `<queue>.retry.<delay>`.
    public static func retryQueue(of queue: String, delay: String) -> String { "\(queue).retry.\(delay)" }
}
