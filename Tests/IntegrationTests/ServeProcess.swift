import Foundation
import Stripe
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `billing` executable run as an operator runs it, with the test servers' settings.
final class ServeProcess: @unchecked Sendable {
    // @unchecked: Process is not Sendable; this wrapper is used from one test at a time.
    let process: Process
    let port: Int
    /// Where the child's standard error goes, so a failed start can say why.
    let logURL: URL
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
    /// for a process without HTTP, until `ready` holds). A child that exits while starting
    /// fails the test at once with its standard error; one that lost its port to another
    /// socket between the probe and its bind is started again on another.
    init(_ arguments: [String] = ["serve", "--migrate", "--declare-topology"], environment extra: [String: String] = [:],
         ready: (@Sendable () async throws -> Bool)? = nil) async throws {
        var attempt = 1
        while true {
            let port = try Self.freePort()
            let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("billing-\(arguments[0])-\(port)-\(UUID().uuidString.prefix(8)).log")
            let process = try Self.start(arguments, port: port, environment: extra, log: logURL)
            let isReady = try await eventually(timeout: .seconds(30)) { [port] in
                guard process.isRunning else { return true }  // exited: no use waiting; reported below
                if let ready { return try await ready() }
                return (try? await HTTP.request("http://127.0.0.1:\(port)/readyz"))?.status == 200  // refused while starting: keep polling
            }
            let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            if isReady && process.isRunning {
                (self.process, self.port, self.logURL) = (process, port, logURL)
                return
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            if process.terminationStatus == 69 && log.contains("cannot listen on") && attempt < 3 {  // the port was taken after the probe
                attempt += 1
                continue
            }
            let how = isReady ? "exited with status \(process.terminationStatus) while starting" : "did not become ready in 30 s"
            throw TestFailure("billing \(arguments.joined(separator: " ")) on port \(port) \(how); its standard error ends:\n\(log.suffix(3000))")
        }
    }

    private static func start(_ arguments: [String], port: Int, environment extra: [String: String], log: URL) throws -> Process {
        let process = Process()
        var environment = Self.environment
        environment["BILLING_HTTP_PORT"] = "\(port)"
        environment.merge(extra) { $1 }
        process.executableURL = URL(fileURLWithPath: TestServers.billingExecutable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = TestServers.repositoryRoot
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        return process
    }

    /// A port no socket holds now, below the kernel's ephemeral range (32768 and up on Linux),
    /// so that the tests' own outgoing connections cannot take it before the child binds it.
    static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = Int.random(in: 20000..<32768)
            if let descriptor = try bindLoopback(port: port) {
                close(descriptor)
                return port
            }
        }
        throw TestFailure("no free port found in 20000..<32768 after 100 tries")
    }

    /// A socket bound to 127.0.0.1:`port`, or nil when another socket holds that address.
    static func bindLoopback(port: Int) throws -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
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

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: logURL)
    }
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

/// A port held by a listening socket for as long as this value lives, as another server would hold it.
final class HeldPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        port = try ServeProcess.freePort()
        guard let descriptor = try ServeProcess.bindLoopback(port: port), listen(descriptor, 1) == 0 else {
            throw TestFailure("could not listen on 127.0.0.1:\(port)")
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
