import AMQP
import Foundation
import PostgresNIO
import Storage
import Stripe
import Testing

extension Integration {
    /// Stripe (and the platform) → `billing serve` → RabbitMQ → lifecycle consumer → PostgreSQL.
    @Suite("Intake end to end")
    struct IntakeEndToEndTests {
        let logger = TestServers.logger

        /// A realistic ~1.3 KB `invoice.paid` event.
        func stripeEvent(id: String) -> [UInt8] {
            let lines = (0..<6).map { #"{"id":"il_\#($0)","amount":5000,"currency":"usd","description":"Team plan seat \#($0)"}"# }
            return Array(#"{"id":"\#(id)","object":"event","api_version":"2025-03-31.basil","created":1764000000,"livemode":false,"type":"invoice.paid","data":{"object":{"id":"in_\#(id)","object":"invoice","customer":"cus_123","status":"paid","currency":"usd","amount_due":20000,"amount_paid":20000,"lines":{"data":[\#(lines.joined(separator: ","))]}}}}"#.utf8)
        }

        func sign(_ body: [UInt8], secret: String = ServeProcess.webhookSecret) -> String {
            WebhookSignatureVerifier.header(payload: body, secret: secret, timestamp: Int64(Date().timeIntervalSince1970))
        }

        func postWebhook(_ serve: ServeProcess, _ body: [UInt8], signature: String?, contentType: String = "application/json") async throws
            -> (status: Int, body: String, headers: [String: String])
        {
            var headers = ["Content-Type": contentType]
            if let signature { headers["Stripe-Signature"] = signature }
            return try await HTTP.request("\(serve.url)/webhooks/stripe", method: "POST", headers: headers, body: body)
        }

        func archivedCount(_ ids: [String]) async throws -> Int {
            try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                let rows = try await database.client.query("SELECT count(*) FROM stripe_events WHERE id = ANY(\(ids))", logger: logger)
                for try await count in rows.decode(Int.self) { return count }
                return 0
            }
        }

        func metric(_ serve: ServeProcess, _ prefix: String) async throws -> Int {
            let text = try await HTTP.request("\(serve.url)/metrics").body
            return text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.flatMap { Int($0.split(separator: " ").last!) } ?? 0
        }

        @Test func aSignedWebhookIsArchivedOnceHoweverOftenItArrives() async throws {
            let serve = try await ServeProcess()
            let id = "evt_\(UUID().uuidString.prefix(12))"
            let body = stripeEvent(id: id)
            for _ in 0..<5 {
                let response = try await postWebhook(serve, body, signature: sign(body))
                #expect(response.status == 200)
            }
            #expect(try await eventually { try await metric(serve, #"billing_consumer_duplicates_total{consumer="lifecycle"}"#) >= 4 })
            #expect(try await archivedCount([id]) == 1)
            #expect(try await serve.stop() == 0)
        }

        @Test func refusalsAreClearAndTheProcessKeepsServing() async throws {
            let serve = try await ServeProcess()
            let body = stripeEvent(id: "evt_refusals")
            let badSignature = try await postWebhook(serve, body, signature: sign(body, secret: "whsec_not_ours"))
            #expect(badSignature.status == 400)
            #expect(badSignature.body.contains(#""error":"invalid_signature""#))
            #expect(!badSignature.body.contains("whsec_"))
            let invalidJSON = Array("{not json".utf8)
            #expect(try await postWebhook(serve, invalidJSON, signature: sign(invalidJSON)).status == 400)
            let huge = Array(#"{"id":"evt_huge","type":"invoice.paid","pad":"\#(String(repeating: "x", count: 1_100_000))"}"#.utf8)
            #expect(try await postWebhook(serve, huge, signature: sign(huge)).status == 413)
            #expect(try await postWebhook(serve, body, signature: sign(body), contentType: "text/plain").status == 415)
            #expect(try await postWebhook(serve, body, signature: sign(body)).status == 200)
            #expect(try await serve.stop() == 0)
        }

        @Test func whileTheBrokerIsDownWebhooksGet503AndNothingAnswered200IsLost() async throws {
            let serve = try await ServeProcess()
            var accepted: [String] = []
            var refused = 0
            func post(_ index: Int) async throws -> Int {
                let id = "evt_outage_\(UUID().uuidString.prefix(8))_\(index)"
                let body = stripeEvent(id: id)
                let response = try await postWebhook(serve, body, signature: sign(body))
                if response.status == 200 { accepted.append(id) }
                if response.status == 503 {
                    refused += 1
                    #expect(response.headers["retry-after"] == "5")
                }
                return response.status
            }
            for index in 0..<30 { #expect(try await post(index) == 200) }
            try TestServers.rabbitmqctl("stop_app")
            for index in 30..<50 { #expect(try await post(index) == 503) }
            #expect(try await HTTP.request("\(serve.url)/readyz").status == 503)
            try TestServers.rabbitmqctl("start_app")
            #expect(try await eventually(timeout: .seconds(30)) { try await HTTP.request("\(serve.url)/readyz").status == 200 })
            for index in 50..<80 { #expect(try await post(index) == 200) }
            #expect(refused == 20)
            #expect(accepted.count == 60)
            // Every event that got a 200 reaches the archive (the consumer re-subscribed too).
            #expect(try await eventually(timeout: .seconds(30)) { try await archivedCount(accepted) == accepted.count })
            #expect(try await serve.stop() == 0)
        }

        @Test func anInternalBatchOfAThousandIsAcceptedWithOneResponse() async throws {
            try await AMQPConnection.withConnection(configuration: TestServers.amqp, logger: logger) { connection in
                let serve = try await ServeProcess()
                let run = UUID().uuidString.prefix(8)
                let events = (0..<1000).map {
                    #"{"id":"use_\#(run)_\#($0)","type":"usage.recorded","occurred_at":"2026-11-24T12:00:00Z","tenant_id":"ten_1","data":{"metric":"api_calls","quantity":1}}"#
                }
                let body = Array("[\(events.joined(separator: ","))]".utf8)
                let response = try await HTTP.request("\(serve.url)/v1/events", method: "POST", headers: [
                    "Content-Type": "application/json",
                    "Billing-Signature": WebhookSignatureVerifier.header(payload: body, secret: ServeProcess.internalSecret,
                                                                         timestamp: Int64(Date().timeIntervalSince1970)),
                ], body: body)
                #expect(response.status == 202)
                // The usage consumer records each of them once.
                #expect(try await eventually(timeout: .seconds(20)) {
                    try await Database.withDatabase(configuration: TestServers.database, logger: logger) { database in
                        let rows = try await database.client.query(
                            "SELECT count(*), coalesce(sum(units), 0)::bigint FROM usage_events WHERE event_id LIKE \("use_\(run)_%")", logger: logger)
                        for try await (count, units) in rows.decode((Int, Int).self) { return count == 1000 && units == 1000 }
                        return false
                    }
                })
                #expect(try await serve.stop() == 0)
            }
        }

        @Test func aPoisonMessageIsDeadLetteredAndTheDLQCommandsShowItWithoutRemovingIt() async throws {
            let serve = try await ServeProcess()
            let id = "evt_poison_\(UUID().uuidString.prefix(8))"
            try await AMQPConnection.withConnection(configuration: TestServers.amqp, logger: logger) { connection in
                // Only the broker's own check stands between a publisher and the queue; the
                // consumer must survive what the intake would have refused.
                try await connection.publish(AMQPMessage(exchange: "billing.events", routingKey: "stripe.invoice.paid",
                                                         body: Array("definitely not json".utf8),
                                                         properties: AMQPProperties(messageID: id, type: "invoice.paid")))
                #expect(try await eventually { try await connection.inspectQueue("billing.lifecycle.dead").messageCount >= 1 })
            }
            // The process is still consuming: a good event after the poison is archived.
            let good = "evt_after_poison_\(UUID().uuidString.prefix(8))"
            let body = stripeEvent(id: good)
            #expect(try await postWebhook(serve, body, signature: sign(body)).status == 200)
            #expect(try await eventually { try await archivedCount([good]) == 1 })

            let list = { try TestServers.runCapturing(TestServers.billingExecutable, ["dlq", "list", "--consumer", "lifecycle", "--json"],
                                                     environment: ServeProcess.environment) }
            let first = try list()
            let second = try list()
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains(id))
            #expect(first.stdout.contains("undecodable payload: not valid JSON"))
            #expect(first.stdout == second.stdout)
            let show = try TestServers.runCapturing(TestServers.billingExecutable, ["dlq", "show", id], environment: ServeProcess.environment)
            #expect(show.status == 0)
            #expect(show.stdout.contains("definitely not json"))
            #expect(try await serve.stop() == 0)
        }

        @Test func stripesOwnSDKAndThisServiceAgreeOnSignatures() async throws {
            let python = ProcessInfo.processInfo.environment["BILLING_TEST_PYTHON"]
                ?? TestServers.repositoryRoot.appendingPathComponent(".local/python/bin/python").path
            let script = TestServers.repositoryRoot.appendingPathComponent("Tests/tools/stripe_sdk.py").path
            let id = "evt_sdk_\(UUID().uuidString.prefix(8))"
            let body = stripeEvent(id: id)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(id).json")
            try Data(body).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }

            // The SDK signs; the intake verifies.
            let sdkHeader = try TestServers.run(python, [script, "sign", file.path, ServeProcess.webhookSecret])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let foreignHeader = try TestServers.run(python, [script, "sign", file.path, "whsec_a_secret_we_do_not_hold"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let serve = try await ServeProcess()
            #expect(try await postWebhook(serve, body, signature: sdkHeader).status == 200)
            #expect(try await postWebhook(serve, body, signature: foreignHeader).status == 400)
            #expect(try await serve.stop() == 0)

            // This service signs; the SDK verifies.
            let ours = sign(body)
            #expect(try TestServers.runCapturing(python, [script, "verify", file.path, ours, ServeProcess.webhookSecret]).status == 0)
            #expect(try TestServers.runCapturing(python, [script, "verify", file.path, ours, "whsec_other"]).status == 1)
        }
    }
}
