/// Who published a message: the value of ``MessageHeader/source``.
public enum MessageSource: String, Sendable, CaseIterable {
    /// A verified Stripe webhook, through the intake.
    case stripe
    /// A platform event (`POST /v1/events`), through the intake.
    case `internal`
    /// A due dunning step, from the scheduler.
    case scheduler
    /// A request of the dunning consumer (notifications).
    case dunning
    /// A request of the usage consumer (quota alerts).
    case usage

    /// The AMQP `app_id` of messages from a producer inside the worker.
    public var appID: String { "billing-\(rawValue)" }
}
