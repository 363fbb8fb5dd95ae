import Foundation
import Hummingbird
import Intake
import Logging
import PostgresNIO
import Storage

/// Notifications' operator endpoints:
///
/// - `GET /v1/notifications?tenant_id=…[&status=pending|sending|sent|failed][&limit=N]`: the
///   tenant's notifications, newest first, with status, attempts, last error and the
///   receiving server's answer.
/// - `PUT /v1/tenants/{tenant_id}/notification-webhook` with `{"url": "https://…"}` (and
///   optionally `"secret": "whsec_…"`): sets the tenant's endpoint (https, to a public
///   address: see ``WebhookURLPolicy``); answers with the secret
///   deliveries are signed with (a new one unless given).
/// - `GET` the same path: the endpoint, without its secret. `DELETE`: removes it.
public struct NotificationRoutes: OperatorRouteProvider {
    let database: PostgresClient
    let webhookPolicy: WebhookURLPolicy
    let logger: Logger

    /// Routes reading and writing through `database`; endpoints are held to `webhookPolicy`.
    package init(database: PostgresClient, webhookPolicy: WebhookURLPolicy = WebhookURLPolicy(), logger: Logger) {
        self.database = database
        self.webhookPolicy = webhookPolicy
        self.logger = logger
    }

    /// Runs `body` with the outbox store on one connection for the request.
    func outbox<Result>(_ body: (NotificationStore) async throws -> sending Result) async throws -> sending Result {
        try await NotificationStore.withConnection(on: database, logger: logger, body)
    }

    /// The routes, for the HTTP server to serve behind the ops token.
    public var routes: RouteCollection<BillingRequestContext> {
        let routes = RouteCollection(context: BillingRequestContext.self)
        routes.get("v1/notifications") { request, _ in try await list(query: request.queryValues) }
        routes.put("v1/tenants/:tenant_id/notification-webhook") { request, context in
            try await setEndpoint(tenantID: try context.parameters.value("tenant_id"),
                                  body: try await request.decodeJSON(EndpointBody.self, context: context))
        }
        routes.get("v1/tenants/:tenant_id/notification-webhook") { _, context in
            let tenantID = try context.parameters.value("tenant_id")
            guard let endpoint = try await outbox({ try await $0.webhookEndpoint(tenantID: tenantID) }) else {
                throw OperatorError.notFound("tenant \(tenantID) has no notification webhook")
            }
            return EndpointAnswer(tenantID: tenantID, url: endpoint.url, secret: nil)
        }
        routes.delete("v1/tenants/:tenant_id/notification-webhook") { _, context in
            let tenantID = try context.parameters.value("tenant_id")
            guard try await outbox({ try await $0.removeWebhookEndpoint(tenantID: tenantID) }) else {
                throw OperatorError.notFound("tenant \(tenantID) has no notification webhook")
            }
            return DeletedAnswer(deleted: true)
        }
        return routes
    }

    func list(query: [String: String]) async throws -> NotificationsAnswer {
        guard let tenantID = query["tenant_id"], !tenantID.isEmpty else { throw OperatorError.badRequest("tenant_id is required") }
        var status: NotificationRecord.Status?
        if let text = query["status"] {
            guard let value = NotificationRecord.Status(rawValue: text) else {
                throw OperatorError.badRequest("status must be pending, sending, sent or failed")
            }
            status = value
        }
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(text), (1...1000).contains(value) else { throw OperatorError.badRequest("limit must be 1 to 1000") }
            limit = value
        }
        return NotificationsAnswer(notifications: try await outbox { try await $0.notifications(tenantID: tenantID, status: status, limit: limit) })
    }

    struct EndpointBody: Decodable {
        var url: String
        var secret: String?
    }

    func setEndpoint(tenantID: String, body: EndpointBody) async throws -> EndpointAnswer {
        // Checked now on the URL and the addresses its host has, and again at every delivery.
        do {
            _ = try await webhookPolicy.resolve(try webhookPolicy.target(of: body.url), timeout: .seconds(5))
        } catch let refusal as WebhookURLRefusal {
            throw OperatorError.badRequest("url refused: \(refusal)")
        }
        let secret = body.secret ?? StandardWebhookSignature.newSecret()
        guard let key = StandardWebhookSignature.key(secret: secret), secret.hasPrefix("whsec_"), key.count >= 24 else {
            throw OperatorError.badRequest("secret must be whsec_ followed by at least 24 bytes in base64")
        }
        try await outbox { try await $0.setWebhookEndpoint(WebhookEndpointRecord(tenantID: tenantID, url: body.url, secret: secret)) }
        return EndpointAnswer(tenantID: tenantID, url: body.url, secret: secret)
    }
}
