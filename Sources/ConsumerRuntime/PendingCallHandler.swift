import Logging
import PostgresNIO
import Storage

/// A handler that calls Stripe for some events. It never calls while its transaction holds row
/// locks: inside the transaction it decides and records the call as a ``PendingCall``
/// (`PendingCallStore.add`, with the event's ``InboundEvent/consumer``); after the commit the
/// runner hands the call to ``complete(_:database:logger:)``, which calls with no transaction
/// open, then records the outcome.
///
/// A crash between the commit and the outcome leaves the row; once its claim runs out, a sweep
/// (of any process running this consumer) completes it again. So a call may be made twice,
/// always with the same idempotency key, and its outcome is recorded once.
public protocol PendingCallHandler: EventHandler {
    /// Makes `call` and records its outcome in a transaction that begins with
    /// `PendingCallStore.finish(_:)` and records nothing when that returns false. Throw
    /// ``TransientFailure`` (or let a network or database error through) to try again later;
    /// ``PermanentFailure`` to give up, which calls ``abandon(_:reason:database:logger:)``.
    func complete(_ call: PendingCall, database: PostgresClient, logger: Logger) async throws

    /// Records that `call` was given up and why, in a transaction that begins with `PendingCallStore.finish(_:)`.
    func abandon(_ call: PendingCall, reason: String, database: PostgresClient, logger: Logger) async throws
}
