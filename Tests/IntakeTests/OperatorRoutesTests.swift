import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Intake

@Suite("Operator routes (in-process)")
struct OperatorRoutesTests {
    struct Echo: ResponseCodable, Sendable {
        var tenant: String
        var plan: String?
        var at: Date
    }

    struct Broken: Error {}

    struct EchoRoutes: OperatorRouteProvider {
        var routes: RouteCollection<BillingRequestContext> {
            let routes = RouteCollection(context: BillingRequestContext.self)
            routes.get("v1/tenants/:tenant_id/echo") { request, context in
                let tenant = try context.parameters.value("tenant_id")
                guard tenant != "unknown" else { throw OperatorError.notFound("no tenant \(tenant)") }
                #expect(context.principal == .operator)
                return Echo(tenant: tenant, plan: request.queryValues["plan"], at: Date(timeIntervalSince1970: 0))
            }
            routes.get("v1/broken") { _, _ -> Echo in throw Broken() }
            routes.put("v1/echo") { request, context in
                try await request.decodeJSON(Echo.self, context: context)
            }
            return routes
        }
    }

    func makeApp(webhooks: Bool = true, operators: Bool = true) -> some ApplicationProtocol {
        let intake = IntakeApplication(
            settings: IntakeSettings(stripeWebhookSecrets: ["whsec_x"], internalSecret: "internal-secret-x", opsToken: "the-ops-token"),
            publisher: RecordingPublisher(), readiness: ReadinessChecks([]), operatorRoutes: [EchoRoutes()], logger: Logger(label: "test"))
        return Application(router: intake.makeRouter(webhooks: webhooks, operators: operators))
    }

    /// With an operator listener apart (`BILLING_OPS_HTTP_PORT`), the public listener has no
    /// operator route at all, and the operator listener no webhook route; both answer probes.
    @Test func theOperatorListenerAndThePublicOneServeOnlyTheirOwnRoutes() async throws {
        try await makeApp(operators: false).test(.router) { (client) async throws -> Void in
            #expect(try await get(client, "/v1/tenants/t1/echo").status == .notFound)
            #expect(try await get(client, "/healthz").status == .ok)
            let webhook = try await client.execute(uri: "/webhooks/stripe", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: "{}")) { $0.status }
            #expect(webhook == .badRequest, "the webhook route is there (and refuses an unsigned body)")
        }
        try await makeApp(webhooks: false).test(.router) { (client) async throws -> Void in
            #expect(try await get(client, "/v1/tenants/t1/echo").status == .ok)
            #expect(try await get(client, "/v1/tenants/t1/echo", token: nil).status == .unauthorized)
            #expect(try await get(client, "/healthz").status == .ok)
            let webhook = try await client.execute(uri: "/webhooks/stripe", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: "{}")) { $0.status }
            #expect(webhook == .notFound)
        }
    }

    func get(_ client: some TestClientProtocol, _ uri: String, token: String? = "the-ops-token") async throws
        -> (status: HTTPResponse.Status, json: [String: Any], headers: HTTPFields)
    {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: .get, headers: headers, body: nil) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return (response.status, json, response.headers)
        }
    }

    @Test func withoutTheRightTokenEveryRouteAnswers401() async throws {
        try await makeApp().test(.router) { (client) async throws -> Void in
            for token in [nil, "wrong", "the-ops-token-but-longer", ""] as [String?] {
                let answer = try await get(client, "/v1/tenants/t1/echo", token: token)
                #expect(answer.status == .unauthorized, "token \(token ?? "none")")
                #expect(answer.json["error"] as? String == "unauthorized")
                #expect(answer.headers[.wwwAuthenticate] == "Bearer")
            }
        }
    }

    @Test func theRightTokenGetsTheAnswerAsJSON() async throws {
        try await makeApp().test(.router) { (client) async throws -> Void in
            let answer = try await get(client, "/v1/tenants/t1/echo?plan=team")
            #expect(answer.status == .ok)
            #expect(answer.json["tenant"] as? String == "t1")
            #expect(answer.json["plan"] as? String == "team")
            #expect(answer.json["at"] as? String == "1970-01-01T00:00:00Z")
        }
    }

    @Test func unknownThingsAre404AndFailuresAre503WithJSON() async throws {
        try await makeApp().test(.router) { (client) async throws -> Void in
            let missing = try await get(client, "/v1/tenants/unknown/echo")
            #expect(missing.status == .notFound)
            #expect(missing.json["error"] as? String == "not_found")
            #expect(missing.json["reason"] as? String == "no tenant unknown")
            let broken = try await get(client, "/v1/broken")
            #expect(broken.status == .serviceUnavailable)
            #expect(broken.headers[.retryAfter] != nil)
            #expect(broken.json["error"] as? String == "unavailable")
        }
    }

    @Test func aBodyIsReadAsJSONWithinTheUploadLimit() async throws {
        try await makeApp().test(.router) { (client) async throws -> Void in
            func put(_ body: String) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
                try await client.execute(uri: "/v1/echo", method: .put, headers: [.authorization: "Bearer the-ops-token"],
                                         body: ByteBuffer(string: body)) { response in
                    (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:])
                }
            }
            let echoed = try await put(#"{"tenant":"t2","at":0}"#)
            #expect(echoed.status == .ok)
            #expect(echoed.json["tenant"] as? String == "t2")
            let malformed = try await put(#"{"tenant":1}"#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.json["error"] as? String == "bad_request")
            #expect((malformed.json["reason"] as? String)?.hasPrefix("the body is not the expected JSON") == true)
            let large = try await put(#"{"tenant":""# + String(repeating: "x", count: 70_000) + #"","at":0}"#)
            #expect(large.status == .contentTooLarge)
            #expect(large.json["error"] as? String == "too_large")
        }
    }
}
