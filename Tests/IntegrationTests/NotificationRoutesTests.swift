import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Intake
import Logging
import NIOCore
import Storage
import Testing

@testable import ConfigurationFiles
@testable import ConsumerRuntime
@testable import Dunning
@testable import Lifecycle
@testable import Notifications
@testable import Usage

extension Integration {
    /// The notifications' operator routes in-process, against the real PostgreSQL.
    @Suite("Notification operator routes")
    struct NotificationRoutesTests {
        func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, body: String? = nil) async throws
            -> (status: HTTPResponse.Status, json: [String: Any])
        {
            try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer the-ops-token"],
                                     body: body.map { ByteBuffer(string: $0) }) { response in
                (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:])
            }
        }

        @Test func aTenantsWebhookIsSetReadAndRemovedAndItsNotificationsListed() async throws {
            let sink = try SMTPSink()
            try await NotificationHarness.run(smtp: SMTPSettings(url: sink.url, tls: .none)) { (harness) async throws -> Void in
                let intake = IntakeApplication(
                    settings: IntakeSettings(stripeWebhookSecrets: ["whsec_x"], internalSecret: "internal-secret-x", opsToken: "the-ops-token"),
                    publisher: RecordingPublisher(), readiness: ReadinessChecks([]),
                    operatorRoutes: [NotificationRoutes(database: harness.database.client, logger: harness.logger)], logger: harness.logger)
                try await Application(router: intake.makeRouter()).test(.router) { (client) async throws -> Void in
                    let path = "/v1/tenants/\(harness.tenant)/notification-webhook"
                    #expect(try await call(client, .get, path).status == .notFound)
                    #expect(try await call(client, .put, path, body: #"{"url":"ftp://x"}"#).json["reason"] as? String
                        == "url refused: the webhook URL must be https")
                    #expect(try await call(client, .put, path, body: #"{"url":"http://93.184.215.14/h"}"#).json["reason"] as? String
                        == "url refused: the webhook URL must be https")
                    for url in ["https://127.0.0.1/h", "https://169.254.169.254/latest/meta-data", "https://[::1]/h", "https://10.1.2.3/h",
                                "https://[::ffff:192.168.0.1]/h", "https://localhost/h"] {
                        let refused = try await call(client, .put, path, body: #"{"url":"\#(url)"}"#)
                        #expect(refused.status == .badRequest, "\(url)")
                        #expect((refused.json["reason"] as? String)?.contains("not a public address") == true, "\(url): \(refused.json)")
                    }
                    #expect(try await call(client, .put, path, body: #"{"url":"https://93.184.215.14/h","secret":"whsec_c2hvcnQ="}"#).status == .badRequest)
                    #expect(try await call(client, .put, path, body: "not json").status == .badRequest)
                    // An address literal: the test machine resolves no public name.
                    let set = try await call(client, .put, path, body: #"{"url":"https://93.184.215.14/hooks"}"#)
                    #expect(set.status == .ok)
                    let secret = try #require(set.json["secret"] as? String)
                    #expect(StandardWebhookSignature.key(secret: secret)?.count == 32)
                    let read = try await call(client, .get, path)
                    #expect(read.json["url"] as? String == "https://93.184.215.14/hooks")
                    #expect(read.json["secret"] == nil, "the secret is shown once, when set")
                    #expect(try await harness.outbox { try await $0.webhookEndpoint(tenantID: harness.tenant) }?.secret == secret)
                    #expect(try await call(client, .delete, path).status == .ok)
                    #expect(try await call(client, .delete, path).status == .notFound)

                    _ = try await harness.handler.handle(harness.request(key: "dc_in_list:notify-d0"), logger: harness.logger)
                    let listed = try await call(client, .get, "/v1/notifications?tenant_id=\(harness.tenant)")
                    let rows = try #require(listed.json["notifications"] as? [[String: Any]])
                    #expect(rows.count == 2)
                    #expect(rows.allSatisfy { $0["status"] as? String == "sent" && $0["attempts"] as? Int == 1 && $0["channel"] as? String == "email" })
                    #expect(Set(rows.compactMap { $0["subject"] as? String }) == ["Payment of $800.00 failed for Acme Analytics GmbH"])
                    #expect(rows.allSatisfy { ($0["provider_response"] as? String)?.contains("queued as") == true && $0["sent_at"] is String })
                    let failed = try await call(client, .get, "/v1/notifications?tenant_id=\(harness.tenant)&status=failed")
                    #expect((failed.json["notifications"] as? [Any])?.isEmpty == true)
                    #expect(try await call(client, .get, "/v1/notifications").json["reason"] as? String == "tenant_id is required")
                    #expect(try await call(client, .get, "/v1/notifications?tenant_id=x&status=lost").status == .badRequest)
                }
            }
        }
    }
}
