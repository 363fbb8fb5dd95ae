import AMQP
import Foundation
import Hummingbird
import Logging

/// What readiness depends on; each check answers whether its dependency is reachable now.
public struct ReadinessChecks: Sendable {
    public var checks: [(name: String, check: @Sendable () async -> Bool)]

    public init(_ checks: [(name: String, check: @Sendable () async -> Bool)]) {
        self.checks = checks
    }
}

/// Builds the intake's HTTP application.
public enum IntakeApplication {
    /// `GET /healthz` answers 200 while the process runs; `GET /readyz` answers 200 when every
    /// readiness check passes and 503 otherwise, with each check's result in the body.
    public static func makeRouter(readiness: ReadinessChecks) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in
            jsonResponse(.ok, ["status": "ok"])
        }
        router.get("readyz") { _, _ in
            var results: [String: String] = [:]
            var ready = true
            for (name, check) in readiness.checks {
                let ok = await check()
                results[name] = ok ? "ok" : "unavailable"
                ready = ready && ok
            }
            return jsonResponse(ready ? .ok : .serviceUnavailable, results)
        }
        return router
    }

    public static func make(host: String, port: Int, readiness: ReadinessChecks, logger: Logger)
        -> some ApplicationProtocol
    {
        Application(router: makeRouter(readiness: readiness),
                    configuration: .init(address: .hostname(host, port: port), serverName: "billing"),
                    logger: logger)
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
