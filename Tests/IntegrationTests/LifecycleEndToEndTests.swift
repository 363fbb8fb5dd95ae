import BillingCore
import Foundation
import Storage
import Stripe
import StripeFixtures
import Testing

extension Integration {
    /// `billing serve` end to end: signed webhooks in, the lifecycle state out through the
    /// operator endpoints.
    @Suite("Lifecycle end to end")
    struct LifecycleEndToEndTests {
        let logger = TestServers.logger

        func deliver(_ serve: ServeProcess, _ body: String) async throws {
            #expect(try await serve.deliverStripe(body) == 200)
        }

        func get(_ serve: ServeProcess, _ path: String, token: String? = ServeProcess.opsToken) async throws -> (status: Int, json: [String: Any]) {
            let headers = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
            let answer = try await HTTP.request("\(serve.url)\(path)", headers: headers)
            return (answer.status, (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) as? [String: Any] ?? [:])
        }

        @Test func webhooksBecomeEntitlementsSubscriptionsAndPreviews() async throws {
            let serve = try await ServeProcess()
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_\(tag)", customer = "cus_\(tag)", subscription = "sub_\(tag)"
            let start: Int64 = 1_764_000_000
            try await deliver(serve, StripeFixtures.customerEvent(id: "evt_\(tag)_c", type: "customer.created", created: start, customer: customer,
                                                                  tenant: tenant, email: "billing@\(tag).test"))
            // Delivered out of order: the older trialing snapshot must not win.
            try await deliver(serve, StripeFixtures.subscriptionEvent(id: "evt_\(tag)_2", created: start + 20, subscription: subscription,
                                                                      customer: customer, status: "active", periodStart: start))
            try await deliver(serve, StripeFixtures.subscriptionEvent(id: "evt_\(tag)_1", type: "customer.subscription.created",
                                                                      created: start + 10, subscription: subscription, customer: customer,
                                                                      status: "trialing", periodStart: start))
            try await deliver(serve, StripeFixtures.invoiceEvent(id: "evt_\(tag)_i", type: "invoice.paid", created: start + 30,
                                                                 invoice: "in_\(tag)", customer: customer, subscription: subscription,
                                                                 status: "paid", amountPaid: 20_000, attemptCount: 1, paidAt: start + 30))

            var entitlements: (status: Int, json: [String: Any]) = (0, [:])
            #expect(try await eventually {
                entitlements = try await get(serve, "/v1/tenants/\(tenant)/entitlements")
                return entitlements.json["status"] as? String == "active"
            })
            #expect(entitlements.status == 200)
            #expect(entitlements.json["tier"] as? String == "team")
            #expect(entitlements.json["access"] as? String == "full")
            #expect(entitlements.json["features"] as? [String] == ["api_access", "sso"])
            let limits = try #require(entitlements.json["limits"] as? [String: Any])
            #expect(limits["users"] as? Int == 10)
            #expect(limits["api_calls_per_period"] as? Int == 100_000)

            #expect(try await eventually {
                let details = try await get(serve, "/v1/tenants/\(tenant)/subscription").json
                return (details["invoices"] as? [[String: Any]])?.first?["status"] as? String == "paid"
            })
            let details = try await get(serve, "/v1/subscriptions/\(subscription)")
            #expect(details.status == 200)
            #expect(details.json["tenant_id"] as? String == tenant)
            #expect((details.json["subscription"] as? [String: Any])?["last_event_id"] as? String == "evt_\(tag)_2")
            let transitions = try #require(details.json["transitions"] as? [[String: Any]])
            #expect(transitions.map { $0["to_status"] as? String } == ["active"], "the stale trialing snapshot is not a transition")

            // Ten days into a 30-day period: 20 days of Team credited, 20 days of Enterprise charged.
            let preview = try await get(serve, "/v1/tenants/\(tenant)/proration-preview?plan=enterprise&at=\(start + 10 * 86_400)")
            #expect(preview.status == 200)
            #expect(preview.json["credit"] as? Int == -13_333)
            #expect(preview.json["charge"] as? Int == 53_333)
            #expect(preview.json["net"] as? Int == 40_000)
            #expect(try await get(serve, "/v1/tenants/\(tenant)/proration-preview?plan=platinum").status == 400)

            // Dunning's service state restricts the plan.
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                try await database.client.query("INSERT INTO tenant_service_states (tenant_id, state) VALUES (\(tenant), 'degraded')",
                                                logger: logger)
            }
            let degraded = try await get(serve, "/v1/tenants/\(tenant)/entitlements").json
            #expect(degraded["access"] as? String == "read_only")
            #expect(degraded["ai_requests"] as? Bool == false)

            #expect(try await get(serve, "/v1/tenants/\(tenant)/entitlements", token: nil).status == 401)
            #expect(try await get(serve, "/v1/tenants/\(tenant)/entitlements", token: "guess").status == 401)
            let unknown = try await get(serve, "/v1/tenants/nobody_\(tag)/entitlements")
            #expect(unknown.status == 404)
            #expect(unknown.json["error"] as? String == "not_found")
            #expect(try await get(serve, "/v1/subscriptions/sub_missing_\(tag)").status == 404)
            #expect(try await serve.stop() == 0)
        }

        @Test func aCancellationCommandGoesToStripeAndIsConfirmedByTheWebhook() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_\(tag)", customer = "cus_\(tag)", subscription = "sub_\(tag)"
            try await stripe.run { base in
                let serve = try await ServeProcess(environment: ["STRIPE_API_BASE": base])
                try await deliver(serve, StripeFixtures.customerEvent(id: "evt_\(tag)_c", created: 100, customer: customer, tenant: tenant))
                try await deliver(serve, StripeFixtures.subscriptionEvent(id: "evt_\(tag)_s", created: 101, subscription: subscription,
                                                                          customer: customer, status: "active"))
                #expect(try await eventually { try await get(serve, "/v1/tenants/\(tenant)/subscription").status == 200 })
                let command = Array(#"{"id":"cmd_\#(tag)","type":"subscription.cancel_requested","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"\#(tenant)","data":{"at_period_end":true,"reason":"unused","feedback":"team moved on"}}"#.utf8)
                let signature = WebhookSignatureVerifier.header(payload: command, secret: ServeProcess.internalSecret,
                                                                timestamp: Int64(Date().timeIntervalSince1970))
                let accepted = try await HTTP.request("\(serve.url)/v1/events", method: "POST",
                                                      headers: ["Content-Type": "application/json", "Billing-Signature": signature], body: command)
                #expect(accepted.status == 202)
                func status() async throws -> String? {
                    let commands = try await get(serve, "/v1/tenants/\(tenant)/commands").json["commands"] as? [[String: Any]]
                    return commands?.first?["status"] as? String
                }
                #expect(try await eventually { try await status() == "sent" })
                try await deliver(serve, StripeFixtures.subscriptionEvent(id: "evt_\(tag)_s2", created: 200, subscription: subscription,
                                                                          customer: customer, status: "active", cancelAtPeriodEnd: true))
                #expect(try await eventually { try await status() == "confirmed" })
                #expect(try await serve.stop() == 0)
            }
            #expect(stripe.effects.map(\.path) == ["/v1/subscriptions/\(subscription)"])
            #expect(stripe.effects.first?.form == ["cancel_at_period_end": "true", "cancellation_details[feedback]": "unused",
                                                   "cancellation_details[comment]": "team moved on"])
            #expect(stripe.effects.first?.authorization == "Bearer sk_test_localfake")
        }

        /// Shutdown has a bound: a command whose Stripe call hangs does not hold the exit past
        /// `BILLING_SHUTDOWN_TIMEOUT_MS` (plus the few seconds of cancellation); the next process
        /// makes the call again, with the same idempotency key, and records it once.
        @Test func aShutdownDoesNotWaitForAHangingStripeCallWhichTheNextProcessFinishes() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_\(tag)", customer = "cus_\(tag)", subscription = "sub_\(tag)"
            stripe.script("/v1/subscriptions/\(subscription)", [.hang(.seconds(15))])
            try await stripe.run { base in
                let environment = ["STRIPE_API_BASE": base, "BILLING_SHUTDOWN_TIMEOUT_MS": "2000", "BILLING_PENDING_CALL_LEASE_MS": "5000"]
                let serve = try await ServeProcess(environment: environment)
                try await deliver(serve, StripeFixtures.customerEvent(id: "evt_\(tag)_c", created: 100, customer: customer, tenant: tenant))
                try await deliver(serve, StripeFixtures.subscriptionEvent(id: "evt_\(tag)_s", created: 101, subscription: subscription,
                                                                          customer: customer, status: "active"))
                #expect(try await eventually { try await get(serve, "/v1/tenants/\(tenant)/subscription").status == 200 })
                let command = Array(#"{"id":"cmd_\#(tag)","type":"subscription.cancel_requested","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"\#(tenant)","data":{"at_period_end":true}}"#.utf8)
                let signature = WebhookSignatureVerifier.header(payload: command, secret: ServeProcess.internalSecret,
                                                                timestamp: Int64(Date().timeIntervalSince1970))
                let accepted = try await HTTP.request("\(serve.url)/v1/events", method: "POST",
                                                      headers: ["Content-Type": "application/json", "Billing-Signature": signature], body: command)
                #expect(accepted.status == 202)
                #expect(try await eventually { stripe.requests.contains { $0.path == "/v1/subscriptions/\(subscription)" } })
                let clock = ContinuousClock()
                let started = clock.now
                _ = try await serve.stop()
                let took = clock.now - started
                #expect(took < .seconds(8), "the process took \(took) to exit with a bound of 2 s")
                // The next process takes the call over once its claim has run out.
                let next = try await ServeProcess(environment: environment)
                func status() async throws -> String? {
                    let commands = try await get(next, "/v1/tenants/\(tenant)/commands").json["commands"] as? [[String: Any]]
                    return commands?.first?["status"] as? String
                }
                #expect(try await eventually(timeout: .seconds(30)) { try await status() == "sent" })
                #expect(try await next.stop() == 0)
            }
            let calls = stripe.requests.filter { $0.path == "/v1/subscriptions/\(subscription)" }
            #expect(calls.count == 2, "the call cut by the shutdown and the next process's")
            #expect(Set(calls.map(\.idempotencyKey)) == ["cmd_\(tag):cancel"])
            #expect(stripe.effects.filter { $0.path == "/v1/subscriptions/\(subscription)" }.count == 1)
        }

        @Test func theMRRReportCountsTheMonthsMovementsAndCohort() async throws {
            let serve = try await ServeProcess()
            let tag = UUID().uuidString.prefix(8).lowercased()
            // A month of its own, far in the future, so no other run's movements fall in it.
            let month = UTCDayProbe.month(seed: tag)
            let t = month.start
            let x = "sub_\(tag)_x", y = "sub_\(tag)_y"
            for body in [
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_1", type: "customer.subscription.created", created: t + 3_600, subscription: x,
                                                 customer: "cus_\(tag)_x", status: "active", periodStart: t),
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_2", type: "customer.subscription.created", created: t + 7_200, subscription: y,
                                                 customer: "cus_\(tag)_y", status: "active", price: .developer, periodStart: t),
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_3", created: t + 86_400, subscription: y, customer: "cus_\(tag)_y",
                                                 status: "active", price: .team, periodStart: t),
                StripeFixtures.subscriptionEvent(id: "evt_\(tag)_4", type: "customer.subscription.deleted", created: t + 2 * 86_400,
                                                 subscription: x, customer: "cus_\(tag)_x", status: "canceled", periodStart: t),
            ] {
                try await deliver(serve, body)
            }
            var report: [String: Any] = [:]
            #expect(try await eventually {
                report = try await get(serve, "/v1/analytics/mrr?start_date=\(month.first)&end_date=\(month.last)").json
                return report["churned_mrr"] as? Int == 20_000
            })
            #expect(report["new_mrr"] as? Int == 25_000)
            #expect(report["expansion_mrr"] as? Int == 15_000)
            #expect(report["contraction_mrr"] as? Int == 0)
            #expect(report["net_new_mrr"] as? Int == 20_000)
            #expect(report["start_date"] as? String == month.first)
            let cohorts = try #require(report["cohorts"] as? [[String: Any]])
            #expect(cohorts.count == 1)
            #expect(cohorts.first?["initial_customers"] as? Int == 2)
            #expect(cohorts.first?["retained_customers"] as? Int == 1)
            #expect(cohorts.first?["retention_rate_percent"] as? String == "50.00")
            #expect(cohorts.first?["initial_mrr"] as? Int == 25_000)
            #expect(cohorts.first?["current_mrr"] as? Int == 20_000)
            #expect(cohorts.first?["revenue_retention_percent"] as? String == "80.00")
            #expect(try await get(serve, "/v1/analytics/mrr?start_date=2026-02-30").status == 400)
            #expect(try await serve.stop() == 0)
        }
    }
}

/// A calendar month chosen from a seed, between the years 2100 and 2599.
enum UTCDayProbe {
    static func month(seed: some StringProtocol) -> (start: Int64, first: String, last: String) {
        let number = seed.unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) & 0xFFFF_FFFF }
        let year = 2100 + number % 500, monthNumber = 1 + (number / 500) % 12
        let first = String(format: "%04d-%02d-01", year, monthNumber)
        let start = UTCDay(first)!.startSeconds
        let last = UTCDay(containing: UTCDay(daysSinceEpoch: UTCDay(first)!.daysSinceEpoch + 40).firstOfMonth.startSeconds - 1)
        return (start, first, last.description)
    }
}
