import Foundation
import Logging
import Stripe
import Synchronization
import Testing

extension Integration {
    /// The Stripe client against a real local HTTP server speaking Stripe's shapes.
    @Suite("Stripe client against the fake Stripe API")
    struct StripeClientTests {
        final class Waits: Sendable {
            let log = Mutex<[Duration]>([])
            var all: [Duration] { log.withLock { $0 } }
        }

        func client(_ base: String, attempts: Int = 4, timeout: Duration = .seconds(5), waits: Waits? = nil) -> StripeClient {
            StripeClient(configuration: StripeAPIConfiguration(apiKey: "sk_test_123", baseURL: base, timeout: timeout,
                                                               retry: StripeRetryPolicy(maxAttempts: attempts)),
                         logger: TestServers.logger, sleep: { wait in waits?.log.withLock { $0.append(wait) } }, jitter: { 0.5 })
        }

        let update = StripeRequest(.post, "/v1/subscriptions/sub_1", form: [.init("items[0][price]", "price_team"),
                                                                           .init("proration_behavior", "none")],
                                   idempotencyKey: "cmd_1:update")

        @Test func sendsAFormWithTheKeyAndIdempotencyKey() async throws {
            let stripe = FakeStripe()
            try await stripe.run { base in
                let response = try await client(base).send(update)
                #expect(response.status == 200)
                #expect(response.objectID == "sub_1")
                #expect(response.requestID?.hasPrefix("req_") == true)
            }
            let request = try #require(stripe.requests.first)
            #expect(request.method == "POST")
            #expect(request.form == ["items[0][price]": "price_team", "proration_behavior": "none"])
            #expect(request.authorization == "Bearer sk_test_123")
            #expect(request.idempotencyKey == "cmd_1:update")
        }

        @Test func serverErrorsAndThrottlingAreRetriedWithTheSameKeyAndApplyOnce() async throws {
            let stripe = FakeStripe()
            stripe.script("/v1/subscriptions", [.serverError, .tooManyRequests])
            let waits = Waits()
            try await stripe.run { base in
                _ = try await client(base, waits: waits).send(update)
                // The same call again (a redelivered command): Stripe replays the stored answer.
                _ = try await client(base, waits: waits).send(update)
            }
            #expect(stripe.requests.count == 4)
            #expect(Set(stripe.requests.map(\.idempotencyKey)) == ["cmd_1:update"])
            #expect(stripe.effects.count == 1)
            #expect(waits.all == [.milliseconds(300), .milliseconds(550)])
        }

        @Test func declinesAreNotRetriedAndSayWhy() async throws {
            let stripe = FakeStripe()
            stripe.script("/v1/invoices", [.decline()])
            try await stripe.run { base in
                await #expect {
                    try await client(base).send(StripeRequest(.post, "/v1/invoices/in_1/pay", idempotencyKey: "cmd_2:pay"))
                } throws: { error in
                    guard case .api(let answer)? = error as? StripeAPIError, answer.status == 402, answer.type == "card_error",
                          answer.code == "card_declined", answer.declineCode == "insufficient_funds" else { return false }
                    return !(error as! StripeAPIError).isRetryable
                }
            }
            #expect(stripe.requests.count == 1)
            #expect(stripe.effects.isEmpty)
        }

        @Test func stripeShouldRetryOverridesTheStatus() async throws {
            let stripe = FakeStripe()
            stripe.script("/v1/subscriptions", [.answer(status: 503, body: #"{"error":{"message":"no"}}"#, shouldRetry: false)])
            stripe.script("/v1/customers", [.answer(status: 400, body: #"{"error":{"message":"lock timeout"}}"#, shouldRetry: true)])
            try await stripe.run { base in
                await #expect(throws: StripeAPIError.self) { try await client(base).send(update) }
                _ = try await client(base).send(StripeRequest(.post, "/v1/customers/cus_1", idempotencyKey: "cmd_3:default"))
            }
            #expect(stripe.requests.map(\.path) == ["/v1/subscriptions/sub_1", "/v1/customers/cus_1", "/v1/customers/cus_1"])
        }

        @Test func aTimeoutIsRetriedThenReportedAsATimeout() async throws {
            let stripe = FakeStripe()
            stripe.script("/v1/subscriptions", [.hang(.seconds(2)), .hang(.seconds(2))])
            try await stripe.run { base in
                await #expect(throws: StripeAPIError.timeout) {
                    try await client(base, attempts: 2, timeout: Duration.milliseconds(300)).send(update)
                }
            }
            #expect(stripe.requests.count == 2)
        }

        @Test func anUnreachableStripeIsANetworkErrorWorthRetrying() async throws {
            // A port nothing listens on. AsyncHTTPClient keeps trying to connect until the
            // request's deadline, so a refused connection costs the timeout.
            await #expect {
                try await client("http://127.0.0.1:9", attempts: 2, timeout: Duration.milliseconds(500)).send(update)
            } throws: { error in
                guard case .network? = error as? StripeAPIError else { return false }
                return (error as! StripeAPIError).isRetryable
            }
        }
    }
}
