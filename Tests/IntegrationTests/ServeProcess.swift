import Foundation
import Stripe
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `billing` executable run as an operator runs it, with the test servers' settings.
final class ServeProcess: @unchecked Sendable {
    // @unchecked: Process is not Sendable; this wrapper is used from one test at a time.
    let process = Process()
    let port: Int
    static let webhookSecret = "whsec_test_secret"
    static let internalSecret = "internal-secret-for-tests"
    static let opsToken = "ops-token-for-tests-0123"

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["BILLING_AMQP_URL"] = ProcessInfo.processInfo.environment["BILLING_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5682/%2f"
        environment["BILLING_DATABASE_URL"] = ProcessInfo.processInfo.environment["BILLING_DATABASE_URL"]
            ?? "postgres://billing:billing@127.0.0.1:5442/billing"
        environment["STRIPE_WEBHOOK_SECRETS"] = webhookSecret
        environment["STRIPE_API_KEY"] = "sk_test_localfake"
        environment["STRIPE_API_BASE"] = "http://127.0.0.1:12111"
        environment["BILLING_INTERNAL_SECRET"] = internalSecret
        environment["BILLING_OPS_TOKEN"] = opsToken
        environment["BILLING_LOG_LEVEL"] = "warning"
        environment["BILLING_AMQP_CONFIRM_TIMEOUT_MS"] = "3000"
        return environment
    }

    /// Starts `billing ARGUMENTS` on a free port and waits until `/readyz` answers 200 (or,
    /// for a process without HTTP, until `ready` holds).
    init(_ arguments: [String] = ["serve", "--migrate", "--declare-topology"], environment extra: [String: String] = [:],
         ready: (@Sendable () async throws -> Bool)? = nil) async throws {
        port = Int.random(in: 20000...40000)
        var environment = Self.environment
        environment["BILLING_HTTP_PORT"] = "\(port)"
        environment.merge(extra) { $1 }
        process.executableURL = URL(fileURLWithPath: TestServers.billingExecutable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = TestServers.repositoryRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let isReady = try await eventually(timeout: .seconds(30)) { [port] in
            if let ready { return try await ready() }
            return (try? await HTTP.request("http://127.0.0.1:\(port)/readyz"))?.status == 200  // refused while starting: keep polling; the guard below fails the test
        }
        guard isReady else {
            process.terminate()
            throw TestFailure("billing \(arguments.joined(separator: " ")) did not become ready on port \(port)")
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// SIGTERM, then waits for a clean exit; returns the exit status.
    @discardableResult
    func stop() async throws -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        _ = try await eventually(timeout: .seconds(20)) { !self.process.isRunning }
        if process.isRunning { process.interrupt() }
        return process.terminationStatus
    }

    /// SIGKILL: the process dies where it is, as in a crash or an OOM kill.
    func crash() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { process.terminate() } }
}

extension ServeProcess {
    /// Posts a Stripe webhook signed with the test secret, as Stripe would; returns the status.
    @discardableResult
    func deliverStripe(_ body: String) async throws -> Int {
        let bytes = Array(body.utf8)
        let signature = WebhookSignatureVerifier.header(payload: bytes, secret: Self.webhookSecret, timestamp: Int64(Date().timeIntervalSince1970))
        return try await HTTP.request("\(url)/webhooks/stripe", method: "POST",
                                      headers: ["Content-Type": "application/json", "Stripe-Signature": signature], body: bytes).status
    }
}

enum HTTP {
    static func request(_ url: String, method: String = "GET", headers: [String: String] = [:], body: [UInt8]? = nil) async throws
        -> (status: Int, body: String, headers: [String: String])
    {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)".lowercased()] = "\(value)" }
        return (http.statusCode, String(decoding: data, as: UTF8.self), fields)
    }
}
