import BillingCore
import Foundation
import Hummingbird
import Intake
import Logging
import PostgresNIO
import Storage

/// Dunning's operator endpoints:
///
/// - `GET /v1/dunning/cases?status=open|closed&tenant_id=…[&limit=N]`: cases, newest first.
/// - `GET /v1/dunning/cases/{case_id}`: one case with its steps (due time, status, reason,
///   outcome).
public struct DunningRoutes: OperatorRouteProvider {
    let database: PostgresClient
    let logger: Logger

    /// Routes reading through `database`.
    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The routes, for the HTTP server to serve behind the ops token.
    public var routes: RouteCollection<BillingRequestContext> {
        let routes = RouteCollection(context: BillingRequestContext.self)
        routes.get("v1/dunning/cases") { request, _ in try await cases(query: request.queryValues) }
        routes.get("v1/dunning/cases/:case_id") { _, context in
            let id = try context.parameters.value("case_id")
            return try await DunningStore.withConnection(on: database, logger: logger) { store in
                guard let found = try await store.dunningCase(id: id, lock: false) else { throw OperatorError.notFound("no dunning case \(id)") }
                return CaseAnswer(case: found, steps: try await store.steps(caseID: id))
            }
        }
        return routes
    }

    func cases(query: [String: String]) async throws -> CasesAnswer {
        let status = query["status"]
        if let status, DunningCase.Status(rawValue: status) == nil { throw OperatorError.badRequest("status must be open or closed") }
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(text), (1...1000).contains(value) else { throw OperatorError.badRequest("limit must be 1 to 1000") }
            limit = value
        }
        let tenant = query["tenant_id"]
        let cases = try await DunningStore.withConnection(on: database, logger: logger) { store in
            try await store.cases(status: status.flatMap(DunningCase.Status.init(rawValue:)), tenantID: tenant, limit: limit)
        }
        return CasesAnswer(cases: cases)
    }
}
