import AMQP
import BillingCore
import Foundation
import PostgresNIO
import Storage
import Stripe
import StripeFixtures
import Synchronization
import Testing

extension Integration {
    /// `billing serve` with one-second days and the fake Stripe API: failed payments run the
    /// tier's schedule through the scheduler and the dunning consumer.
    @Suite("Dunning end to end")
    struct DunningEndToEndTests {
        let logger = TestServers.logger

        func deliver(_ serve: ServeProcess, _ body: String) async throws {
            #expect(try await serve.deliverStripe(body) == 200)
        }

        func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type) async throws -> T? {
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                for try await value in try await database.client.query(query, logger: logger).decode(T.self) { return value }
                return nil
            }
        }

        func serviceState(_ tenant: String) async throws -> String {
            try await scalar("SELECT state FROM tenant_service_states WHERE tenant_id = \(tenant)", as: String.self) ?? "normal"
        }

        /// A tenant with an active subscription (Team unless said), known to the lifecycle consumer.
        func seed(_ serve: ServeProcess, tag: String, price: StripeFixtures.Price = .team) async throws {
            try await deliver(serve, StripeFixtures.customerEvent(
                id: "evt_\(tag)_c", created: 100, customer: "cus_\(tag)", tenant: "tenant_\(tag)", email: "billing@\(tag).example",
                metadata: ["company": "Acme \(tag)", "admin_email": "admin@\(tag).example", "account_manager_email": "am-\(tag)@northwind.example"]))
            try await deliver(serve, StripeFixtures.subscriptionEvent(id: "evt_\(tag)_s", created: 101, subscription: "sub_\(tag)",
                                                                      customer: "cus_\(tag)", status: "active", price: price))
            #expect(try await eventually {
                try await scalar("SELECT count(*) FROM subscriptions WHERE stripe_subscription_id = \("sub_\(tag)")", as: Int.self) == 1
            })
        }

        func failed(_ tag: String, attempts: Int = 1, eventSuffix: String = "f1") -> String {
            StripeFixtures.invoiceEvent(id: "evt_\(tag)_\(eventSuffix)", type: "invoice.payment_failed", created: Int64(Date().timeIntervalSince1970),
                                        invoice: "in_\(tag)", customer: "cus_\(tag)", subscription: "sub_\(tag)", status: "open",
                                        attemptCount: attempts)
        }

        /// With `sink`, notification emails go to that SMTP server; without, to the log.
        func serve(_ base: String, smtp sink: SMTPSink? = nil) async throws -> ServeProcess {
            var environment = ["STRIPE_API_BASE": base, "BILLING_DAY_SECONDS": "1", "BILLING_SCHEDULER_INTERVAL_MS": "100"]
            if let sink { environment.merge(["BILLING_SMTP_URL": sink.url, "BILLING_SMTP_TLS": "none"]) { $1 } }
            return try await ServeProcess(environment: environment)
        }

        /// The notifications outbox rows of `tag`'s tenant: `template role recipient status`.
        func notifications(_ tag: String) async throws -> [String] {
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                let rows = try await database.client.query("""
                    SELECT template || ' ' || role || ' ' || recipient || ' ' || status || ' ' || request_key FROM notifications
                     WHERE tenant_id = \("tenant_\(tag)") ORDER BY created_at, delivery_key
                    """, logger: logger)
                var found: [String] = []
                for try await row in rows.decode(String.self) { found.append(row) }
                return found
            }
        }

        /// Two `billing serve` processes, each with a scheduler and the consumers, share the work:
        /// every step still runs once.
        @Test func theTeamScheduleRetriesOnItsDaysThenDegradesAndSuspendsWithTwoProcesses() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(8).lowercased()
            stripe.script("/v1/invoices/in_\(tag)", Array(repeating: .decline(), count: 4))
            try await stripe.run { base in
                let serve = try await serve(base)
                let second = try await ServeProcess(["serve"], environment: ["STRIPE_API_BASE": base, "BILLING_DAY_SECONDS": "1",
                                                                             "BILLING_SCHEDULER_INTERVAL_MS": "100"])
                try await seed(serve, tag: tag)
                try await deliver(serve, failed(tag))
                try await deliver(serve, failed(tag))  // the same event again: one case
                // Team's grace is 3 days: then entitlements say the payment is overdue, service still full.
                #expect(try await eventually(timeout: .seconds(10)) {
                    let answer = try await HTTP.request("\(serve.url)/v1/tenants/tenant_\(tag)/entitlements",
                                                        headers: ["Authorization": "Bearer \(ServeProcess.opsToken)"])
                    let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
                    return json?["payment_overdue"] as? Bool == true && json?["access"] as? String == "full"
                })
                #expect(try await eventually(timeout: .seconds(20)) { try await serviceState("tenant_\(tag)") == "degraded" })
                #expect(stripe.requests.filter { $0.path == "/v1/invoices/in_\(tag)/pay" }.count == 4)
                #expect(try await eventually(timeout: .seconds(25)) { try await serviceState("tenant_\(tag)") == "suspended" })
                #expect(try await serve.stop() == 0)
                #expect(try await second.stop() == 0)
            }
            let keys = stripe.requests.filter { $0.path == "/v1/invoices/in_\(tag)/pay" }.map(\.idempotencyKey)
            #expect(keys == [1, 3, 7, 14].map { "dc_in_\(tag):retry-day-\($0)" })
            #expect(try await scalar("SELECT count(*) FROM dunning_cases WHERE stripe_invoice_id = \("in_\(tag)")", as: Int.self) == 1)
            let outcomes = try await scalar("""
                SELECT string_agg(step_key || '=' || status, ',' ORDER BY due_at, step_key) FROM dunning_steps WHERE case_id = \("dc_in_\(tag)")
                """, as: String.self)
            #expect(outcomes == "notify-day-0=done,retry-day-1=done,notify-day-3=done,retry-day-3=done,notify-day-7=done,retry-day-7=done,"
                + "degrade-day-14=done,notify-day-14=done,retry-day-14=done,suspend-day-30=done")
        }

        @Test func theEnterpriseScheduleReachesTheAccountManagerAndSuspendsOnDay45() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(8).lowercased()
            stripe.script("/v1/invoices/in_\(tag)", Array(repeating: .decline(), count: 4))
            let sink = try SMTPSink()
            try await stripe.run { base in
                let serve = try await serve(base, smtp: sink)
                try await seed(serve, tag: tag, price: .enterprise)
                try await deliver(serve, failed(tag))
                #expect(try await eventually(timeout: .seconds(40)) { try await serviceState("tenant_\(tag)") == "degraded" })
                #expect(try await eventually(timeout: .seconds(25)) { try await serviceState("tenant_\(tag)") == "suspended" })
                // Five notices, the degradation and the suspension to three roles, and the outreach to the account manager.
                #expect(try await eventually(timeout: .seconds(10)) { try sink.messages().count == 22 })
                #expect(try await serve.stop() == 0)
            }
            let keys = stripe.requests.filter { $0.path == "/v1/invoices/in_\(tag)/pay" }.map(\.idempotencyKey)
            #expect(keys == [1, 7, 14, 21].map { "dc_in_\(tag):retry-day-\($0)" })
            #expect(try await scalar("SELECT count(*) FROM dunning_tasks WHERE case_id = \("dc_in_\(tag)") AND step_key = 'outreach-day-1'",
                                     as: Int.self) == 1)
            // What each person received, by subject, as the SMTP server parsed it.
            let messages = try sink.messages()
            func subjects(_ address: String) -> [String] { messages.filter { $0.rcpt_tos == [address] }.map(\.subject) }
            let retry = "We will retry your payment of $200.00 on "
            for address in ["billing@\(tag).example", "admin@\(tag).example", "am-\(tag)@northwind.example"] {
                let received = subjects(address)
                #expect(received.filter { $0 == "Payment of $200.00 failed for Acme \(tag)" }.count == 2, "days 0 and 21: \(received)")
                #expect(received.filter { $0.hasPrefix(retry) }.count == 3, "days 3, 7 and 14 announce the next retry")
                #expect(received.filter { $0 == "Service restricted for Acme \(tag): invoice in_\(tag) is unpaid" }.count == 1)
                #expect(received.filter { $0 == "Account suspended for Acme \(tag): invoice in_\(tag) is unpaid" }.count == 1)
            }
            #expect(subjects("am-\(tag)@northwind.example").filter { $0 == "Outreach needed: Acme \(tag) has an unpaid invoice of $200.00" }.count == 1)
            #expect(Set(messages.map(\.message_id)).count == 22, "every email is its own message")
            // The day-0 notice (found by what it says, not by arrival order: under load a notice
            // retried after a transient failure can arrive after a later one).
            let failureNotices = messages.filter { $0.rcpt_tos == ["billing@\(tag).example"] && $0.subject == "Payment of $200.00 failed for Acme \(tag)" }
            let firstNotice = try #require(failureNotices.first { $0.text?.contains("suspended in 45 days") == true },
                                           "no failed-payment notice announces the suspension in 45 days: \(failureNotices.map { $0.text ?? "" })")
            #expect(firstNotice.text?.contains("https://invoice.stripe.com/i/in_\(tag)") == true)
            let rows = try await notifications(tag)
            #expect(rows.count == 22 && rows.allSatisfy { $0.contains(" sent ") })
        }

        /// Three failed invoices, a, b and c, opened on days 0, 3 and 6 (Team: degraded after 14
        /// days of the oldest open case).
        @Test func serviceFollowsTheOldestOpenCaseAndIsReanchoredWhenItIsPaid() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(8).lowercased()
            let tenant = "tenant_\(tag)"
            @Sendable func invoice(_ name: String, _ type: String, status: String) -> String {
                StripeFixtures.invoiceEvent(id: "evt_\(tag)_\(name)_\(type)", type: type, created: Int64(Date().timeIntervalSince1970),
                                            invoice: "in_\(tag)_\(name)", customer: "cus_\(tag)", subscription: "sub_\(tag)", status: status,
                                            amountPaid: status == "paid" ? 20_000 : 0, attemptCount: 1)
            }
            // Every retry is declined: only the payments below close the cases.
            stripe.script("/v1/invoices/in_\(tag)", Array(repeating: .decline(), count: 30))
            let clock = ContinuousClock()
            try await stripe.run { base in
                let serve = try await serve(base)
                try await seed(serve, tag: tag)
                let start = clock.now
                try await deliver(serve, invoice("a", "invoice.payment_failed", status: "open"))
                try await Task.sleep(until: start + .seconds(3))
                try await deliver(serve, invoice("b", "invoice.payment_failed", status: "open"))
                try await Task.sleep(until: start + .seconds(6))
                try await deliver(serve, invoice("c", "invoice.payment_failed", status: "open"))
                #expect(try await eventually(timeout: .seconds(12)) { try await serviceState(tenant) == "degraded" })
                // Paying the newest changes nothing while older ones are unpaid.
                try await deliver(serve, invoice("c", "invoice.paid", status: "paid"))
                #expect(try await eventually {
                    try await scalar("SELECT status FROM dunning_cases WHERE case_id = \("dc_in_\(tag)_c")", as: String.self) == "closed"
                })
                #expect(try await serviceState(tenant) == "degraded")
                // Paying the oldest re-anchors to b, opened on day 3: about 12 days old, so service
                // is restored (Stripe sends invoice.paid and payment_succeeded, either maybe twice)...
                #expect(clock.now - start < .seconds(16), "the test must pay a before b's day 14")
                for type in ["invoice.paid", "invoice.payment_succeeded", "invoice.paid"] {
                    try await deliver(serve, invoice("a", type, status: "paid"))
                }
                #expect(try await eventually { try await serviceState(tenant) == "normal" })
                // ...until b reaches its own day 14.
                #expect(try await eventually(timeout: .seconds(10)) { try await serviceState(tenant) == "degraded" })
                #expect(clock.now - start >= .seconds(16))
                try await deliver(serve, invoice("b", "invoice.paid", status: "paid"))
                #expect(try await eventually { try await serviceState(tenant) == "normal" })
                #expect(try await eventually { try await notifications(tag).filter { $0.hasPrefix("payment_recovered ") }.count == 6 })
                #expect(try await serve.stop() == 0)
            }
            // One notice per paid case (to billing and admin), however often Stripe said so.
            let recovered = try await notifications(tag).filter { $0.hasPrefix("payment_recovered ") }
            #expect(Set(recovered.map { String($0.split(separator: " ").last ?? "") }) == Set(["a", "b", "c"].map { "dc_in_\(tag)_\($0):recovered" }))
        }

        @Test func voidedWrittenOffAndDeletedSubscriptionsCloseTheirCases() async throws {
            let stripe = FakeStripe()
            // With one-second days the first retry is due 3 s after a failure: on a busy machine
            // it can run before the closing events are handled, and it must not pay the invoice.
            stripe.script("/v1/invoices", Array(repeating: .decline(), count: 50))
            let tag = UUID().uuidString.prefix(8).lowercased()
            @Sendable func invoice(_ name: String, _ type: String, status: String) -> String {
                StripeFixtures.invoiceEvent(id: "evt_\(tag)_\(name)_\(type)", type: type, created: Int64(Date().timeIntervalSince1970),
                                            invoice: "in_\(tag)_\(name)", customer: "cus_\(tag)", subscription: "sub_\(tag)", status: status,
                                            attemptCount: 1)
            }
            try await stripe.run { base in
                let serve = try await serve(base)
                try await seed(serve, tag: tag)
                for name in ["v", "u", "d"] { try await deliver(serve, invoice(name, "invoice.payment_failed", status: "open")) }
                try await deliver(serve, invoice("v", "invoice.voided", status: "void"))
                try await deliver(serve, invoice("u", "invoice.marked_uncollectible", status: "uncollectible"))
                try await deliver(serve, StripeFixtures.subscriptionEvent(id: "evt_\(tag)_del", type: "customer.subscription.deleted",
                                                                          created: Int64(Date().timeIntervalSince1970), subscription: "sub_\(tag)",
                                                                          customer: "cus_\(tag)", status: "canceled"))
                #expect(try await eventually {
                    try await scalar("""
                        SELECT string_agg(stripe_invoice_id || '=' || close_reason, ',' ORDER BY stripe_invoice_id)
                          FROM dunning_cases WHERE stripe_customer_id = \("cus_\(tag)") AND status = 'closed'
                        """, as: String?.self) == "in_\(tag)_d=subscription_deleted,in_\(tag)_u=marked_uncollectible,in_\(tag)_v=voided"
                })
                #expect(try await scalar("""
                    SELECT count(*) FROM dunning_steps s JOIN dunning_cases c USING (case_id)
                     WHERE c.stripe_customer_id = \("cus_\(tag)") AND s.status IN ('pending', 'dispatched')
                    """, as: Int.self) == 0)
                #expect(try await eventually { try await notifications(tag).filter { $0.hasPrefix("subscription_canceled ") }.count == 2 })
                #expect(try await serve.stop() == 0)
            }
            // Only a payment asks for a "payment recovered" notice; the cancellation has its own.
            let sent = try await notifications(tag)
            #expect(!sent.contains { $0.hasPrefix("payment_recovered ") })
            #expect(sent.filter { $0.hasPrefix("subscription_canceled ") }.count == 2, "\(sent)")
        }

        @Test func aDeclineThenASuccessClosesTheCaseAndSkipsTheRest() async throws {
            let tag = UUID().uuidString.prefix(8).lowercased()
            // Asked while each payment is being tried: is the case's row free?
            let caseFree = Mutex<[String]>([])
            let stripe = FakeStripe { _ in
                // A probe that fails is recorded as its error, so the expectation below shows it.
                let answer: String
                do { answer = try await LockProbe.dunningCaseIsFree(invoiceID: "in_\(tag)") ? "free" : "held" } catch { answer = "probe failed: \(error)" }
                caseFree.withLock { $0.append(answer) }
            }
            // Day 1 declined; day 3 throttled, then a server error, then paid: one key for all three.
            stripe.script("/v1/invoices/in_\(tag)", [.decline(), .tooManyRequests, .serverError])
            try await stripe.run { base in
                let serve = try await serve(base)
                try await seed(serve, tag: tag)
                try await deliver(serve, failed(tag))
                #expect(try await eventually(timeout: .seconds(15)) {
                    try await scalar("SELECT close_reason FROM dunning_cases WHERE case_id = \("dc_in_\(tag)")", as: String?.self) == "paid"
                })
                // The operator's view of it.
                let auth = ["Authorization": "Bearer \(ServeProcess.opsToken)"]
                let one = try await HTTP.request("\(serve.url)/v1/dunning/cases/dc_in_\(tag)", headers: auth)
                #expect(one.status == 200)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(one.body.utf8)) as? [String: Any])
                #expect((body["case"] as? [String: Any])?["close_reason"] as? String == "paid")
                let steps = try #require(body["steps"] as? [[String: Any]])
                #expect(steps.first { $0["step_key"] as? String == "retry-day-1" }?["outcome"] as? String == "declined: insufficient_funds")
                let list = try await HTTP.request("\(serve.url)/v1/dunning/cases?status=closed&tenant_id=tenant_\(tag)", headers: auth)
                #expect(((try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [String: Any])?["cases"] as? [Any])?.count == 1)
                #expect(try await HTTP.request("\(serve.url)/v1/dunning/cases/dc_nothing", headers: auth).status == 404)
                #expect(try await HTTP.request("\(serve.url)/v1/dunning/cases/dc_in_\(tag)").status == 401)
                #expect(try await serve.stop() == 0)
            }
            let pays = stripe.requests.filter { $0.path == "/v1/invoices/in_\(tag)/pay" }.map(\.idempotencyKey)
            #expect(pays == ["dc_in_\(tag):retry-day-1"] + Array(repeating: "dc_in_\(tag):retry-day-3", count: 3))
            #expect(caseFree.withLock { $0 } == ["free", "free", "free", "free"], "Stripe was called while the step's transaction held the case's lock")
            #expect(stripe.effects.filter { $0.path == "/v1/invoices/in_\(tag)/pay" }.count == 1)
            #expect(try await scalar("SELECT outcome FROM dunning_steps WHERE case_id = \("dc_in_\(tag)") AND step_key = 'retry-day-1'",
                                     as: String?.self) == "declined: insufficient_funds")
            #expect(try await scalar("SELECT count(*) FROM dunning_steps WHERE case_id = \("dc_in_\(tag)") AND status = 'pending'", as: Int.self) == 0)
            #expect(try await serviceState("tenant_\(tag)") == "normal")
        }

        @Test func aHardDeclinePausesRetriesUntilThePaymentMethodChanges() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(8).lowercased()
            stripe.script("/v1/invoices/in_\(tag)", [.decline("card_declined", declineCode: "stolen_card")])
            try await stripe.run { base in
                let serve = try await serve(base)
                try await seed(serve, tag: tag)
                try await deliver(serve, failed(tag))
                // Day 1's retry is declined as stolen; days 3 and 7 pass without a call.
                #expect(try await eventually(timeout: .seconds(12)) {
                    try await scalar("SELECT status FROM dunning_steps WHERE case_id = \("dc_in_\(tag)") AND step_key = 'retry-day-7'",
                                     as: String.self) == "skipped"
                })
                #expect(stripe.requests.filter { $0.path == "/v1/invoices/in_\(tag)/pay" }.count == 1)
                // A new card: one retry at once, which succeeds and closes the case.
                try await deliver(serve, #"{"id":"evt_\#(tag)_pm","object":"event","type":"payment_method.attached","created":\#(Int64(Date().timeIntervalSince1970)),"data":{"object":{"id":"pm_new","object":"payment_method","customer":"cus_\#(tag)"}}}"#)
                #expect(try await eventually(timeout: .seconds(10)) {
                    try await scalar("SELECT close_reason FROM dunning_cases WHERE case_id = \("dc_in_\(tag)")", as: String?.self) == "paid"
                })
                #expect(try await serve.stop() == 0)
            }
            let pays = stripe.requests.filter { $0.path == "/v1/invoices/in_\(tag)/pay" }.map(\.idempotencyKey)
            #expect(pays == ["dc_in_\(tag):retry-day-1", "dc_in_\(tag):retry-new-method-evt_\(tag)_pm"])
            #expect(try await scalar("SELECT last_decline_code FROM dunning_cases WHERE case_id = \("dc_in_\(tag)")", as: String?.self) == "stolen_card")
        }

        @Test func actionRequiredAndANewDefaultCardAreHandled() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(8).lowercased()
            stripe.script("/v1/invoices/in_\(tag)", [.decline("card_declined", declineCode: "lost_card")])
            let sink = try SMTPSink()
            try await stripe.run { base in
                let serve = try await serve(base, smtp: sink)
                try await seed(serve, tag: tag)
                try await deliver(serve, failed(tag))
                // Stripe's own retry failing too: a new event, attempt 2. The same case, rescheduled not.
                try await deliver(serve, failed(tag, attempts: 2, eventSuffix: "f2"))
                #expect(try await eventually {
                    try await scalar("SELECT attempts FROM dunning_cases WHERE case_id = \("dc_in_\(tag)")", as: Int.self) == 2
                })
                #expect(try await scalar("SELECT count(*) FROM dunning_steps WHERE case_id = \("dc_in_\(tag)")", as: Int.self) == 10)
                let now = Int64(Date().timeIntervalSince1970)
                try await deliver(serve, StripeFixtures.invoiceEvent(id: "evt_\(tag)_sca", type: "invoice.payment_action_required", created: now,
                                                                     invoice: "in_\(tag)", customer: "cus_\(tag)", subscription: "sub_\(tag)",
                                                                     status: "open", attemptCount: 1))
                #expect(try await eventually(timeout: .seconds(8)) {
                    try await scalar("SELECT retries_paused_reason FROM dunning_cases WHERE case_id = \("dc_in_\(tag)")", as: String?.self) == "lost_card"
                })
                // The customer sets a new default card: Stripe's customer.updated names the change in previous_attributes.
                try await deliver(serve, #"{"id":"evt_\#(tag)_cu","object":"event","type":"customer.updated","created":\#(now + 2),"data":{"object":{"id":"cus_\#(tag)","object":"customer","email":"billing@\#(tag).example","metadata":{"tenant_id":"tenant_\#(tag)","company":"Acme \#(tag)","admin_email":"admin@\#(tag).example"},"invoice_settings":{"default_payment_method":"pm_new"}},"previous_attributes":{"invoice_settings":{"default_payment_method":"pm_old"}}}}"#)
                #expect(try await eventually(timeout: .seconds(8)) {
                    try await scalar("SELECT close_reason FROM dunning_cases WHERE case_id = \("dc_in_\(tag)")", as: String?.self) == "paid"
                })
                #expect(try await eventually { try sink.messages().contains { $0.subject.hasPrefix("Payment received") } })
                #expect(try await serve.stop() == 0)
            }
            let messages = try sink.messages()
            let templates = Set(try await notifications(tag).map { String($0.split(separator: " ")[0]) })
            #expect(templates.isSuperset(of: ["payment_failed", "payment_action_required", "payment_recovered"]), "\(templates)")
            let action = messages.filter { $0.subject == "Action required: confirm your payment of $200.00" }
            #expect(action.map(\.rcpt_tos).sorted { $0[0] < $1[0] } == [["admin@\(tag).example"], ["billing@\(tag).example"]])
            #expect(action.first?.text?.contains("Confirm it here: https://invoice.stripe.com/i/in_\(tag)") == true)
            #expect(stripe.requests.filter { $0.path == "/v1/invoices/in_\(tag)/pay" }.map(\.idempotencyKey)
                == ["dc_in_\(tag):retry-day-1", "dc_in_\(tag):retry-new-method-evt_\(tag)_cu"])
        }

        @Test func anInvoicePaidBeforeItsFailureArrivesOpensNoCase() async throws {
            let stripe = FakeStripe()
            let tag = UUID().uuidString.prefix(8).lowercased()
            try await stripe.run { base in
                let serve = try await serve(base)
                try await seed(serve, tag: tag)
                try await deliver(serve, StripeFixtures.invoiceEvent(id: "evt_\(tag)_paid", type: "invoice.paid", created: Int64(Date().timeIntervalSince1970),
                                                                     invoice: "in_\(tag)", customer: "cus_\(tag)", subscription: "sub_\(tag)",
                                                                     status: "paid", amountPaid: 20_000, attemptCount: 2))
                #expect(try await eventually {
                    try await scalar("SELECT status FROM dunning_cases WHERE case_id = \("dc_in_\(tag)")", as: String.self) == "closed"
                })
                try await deliver(serve, failed(tag))
                try await Task.sleep(for: .seconds(3))  // three schedule days: a case would have retried by now
                #expect(try await serve.stop() == 0)
            }
            #expect(stripe.requests.isEmpty)
            #expect(try await scalar("SELECT count(*) FROM dunning_steps WHERE case_id = \("dc_in_\(tag)")", as: Int.self) == 0)
        }
    }
}
