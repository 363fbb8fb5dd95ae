import Foundation
import Logging
import PostgresNIO
import Storage
import Stripe

/// Stores every Stripe event once in `stripe_events` (part of the `lifecycle` consumer).
public struct StripeEventArchive: EventHandler {
    public init() {}

    public func handle(_ event: InboundEvent, connection: PostgresConnection, logger: Logger) async throws {
        guard event.routingKey.hasPrefix("stripe.") else { return }
        let envelope: StripeEventEnvelope
        do {
            envelope = try JSONDecoder().decode(StripeEventEnvelope.self, from: Data(event.body))
        } catch {
            throw PermanentFailure("not a Stripe event: \(FailureClassifier.describe(error))")
        }
        guard envelope.id == event.id else {
            throw PermanentFailure("the payload's id \(envelope.id) differs from the message id \(event.id)")
        }
        try await StripeEventStore.insert(
            id: envelope.id, type: envelope.type, created: envelope.created.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            livemode: envelope.livemode, apiVersion: envelope.apiVersion, payload: String(decoding: event.body, as: UTF8.self),
            on: connection, logger: logger)
    }
}
