import Testing

@testable import Stripe

@Suite("Stripe client: requests and retry policy")
struct StripeClientPolicyTests {
    let policy = StripeRetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(500), maxDelay: .seconds(8))

    @Test func formsAreEncodedWithStripesBracketsEscaped() {
        let request = StripeRequest(.post, "/v1/subscriptions/sub_1", form: [
            .init("items[0][price]", "price_team"), .init("cancellation_details[comment]", "too pricey & slow = no"),
            .init("note", "café ~ ok"),
        ])
        #expect(request.encodedForm
            == "items%5B0%5D%5Bprice%5D=price_team&cancellation_details%5Bcomment%5D=too%20pricey%20%26%20slow%20%3D%20no&note=caf%C3%A9%20~%20ok")
    }

    @Test func whatIsRetriedFollowsTheStatusUnlessStripeSaysOtherwise() {
        let server = StripeAPIError.api(StripeErrorAnswer(status: 500, type: "api_error", message: ""))
        let throttled = StripeAPIError.api(StripeErrorAnswer(status: 429, code: "rate_limit", message: ""))
        let conflict = StripeAPIError.api(StripeErrorAnswer(status: 409, code: "idempotency_key_in_use", message: ""))
        let declined = StripeAPIError.api(StripeErrorAnswer(status: 402, type: "card_error", code: "card_declined",
                                                            declineCode: "insufficient_funds", message: ""))
        let invalid = StripeAPIError.api(StripeErrorAnswer(status: 400, type: "invalid_request_error", message: ""))
        for error in [server, throttled, conflict, StripeAPIError.timeout, .network(reason: "refused")] {
            #expect(policy.delay(afterAttempt: 1, error: error, shouldRetry: nil, jitter: 0.5) != nil, "\(error)")
        }
        for error in [declined, invalid] {
            #expect(policy.delay(afterAttempt: 1, error: error, shouldRetry: nil, jitter: 0.5) == nil, "\(error)")
        }
        #expect(policy.delay(afterAttempt: 1, error: server, shouldRetry: false, jitter: 0.5) == nil)
        #expect(policy.delay(afterAttempt: 1, error: invalid, shouldRetry: true, jitter: 0.5) != nil)
    }

    @Test func backOffIsExponentialJitteredCappedAndEnds() {
        let error = StripeAPIError.timeout
        #expect(policy.delay(afterAttempt: 1, error: error, shouldRetry: nil, jitter: 0) == .milliseconds(50))
        #expect(policy.delay(afterAttempt: 1, error: error, shouldRetry: nil, jitter: 0.5) == .milliseconds(300))
        #expect(policy.delay(afterAttempt: 2, error: error, shouldRetry: nil, jitter: 0.5) == .milliseconds(550))
        #expect(policy.delay(afterAttempt: 3, error: error, shouldRetry: nil, jitter: 0.5) == .milliseconds(1050))
        // Attempt 4 is the last: nothing after it.
        #expect(policy.delay(afterAttempt: 4, error: error, shouldRetry: nil, jitter: 0.5) == nil)
        let long = StripeRetryPolicy(maxAttempts: 30, baseDelay: .milliseconds(500), maxDelay: .seconds(8))
        #expect(long.delay(afterAttempt: 20, error: error, shouldRetry: nil, jitter: 0.999) ?? .zero < .seconds(8) + .milliseconds(51))
    }

    @Test func errorsSayWhatStripeSaid() {
        let declined = StripeAPIError.api(StripeErrorAnswer(status: 402, type: "card_error", code: "card_declined",
                                                            declineCode: "insufficient_funds", message: "Your card has insufficient funds.",
                                                            requestID: "req_1"))
        #expect(declined.description == "Stripe answered 402 card_error/card_declined/insufficient_funds: Your card has insufficient funds. (request req_1)")
        let parsed = StripeClient.apiError(status: 404, body: Array(#"{"error":{"type":"invalid_request_error","message":"No such subscription"}}"#.utf8),
                                           requestID: nil)
        #expect(parsed == .api(StripeErrorAnswer(status: 404, type: "invalid_request_error", message: "No such subscription")))
        #expect(StripeClient.apiError(status: 502, body: Array("<html>".utf8), requestID: nil).description == "Stripe answered 502: HTTP 502")
    }
}
