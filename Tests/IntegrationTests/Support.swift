import AMQP
import Foundation
import Logging
import Storage
import Testing

/// Every test that talks to the real RabbitMQ and PostgreSQL started by
/// `deploy/local/services.sh` hangs under this suite, which runs them one at a time: one of
/// them stops the broker, and none may see another's traffic.
@Suite(.serialized) struct Integration {}

/// The servers, as `deploy/local/services.sh env` describes them (defaults: its ports).
enum TestServers {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let servicesScript = repositoryRoot.appendingPathComponent("deploy/local/services.sh").path

    static var amqp: AMQPConfiguration {
        let url = ProcessInfo.processInfo.environment["BILLING_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5682/%2f"
        var configuration = try! AMQPConfiguration(url: url)
        configuration.reconnectDelay = .milliseconds(50)...(.milliseconds(500))
        configuration.confirmTimeout = .seconds(10)
        return configuration
    }

    static var database: DatabaseConfiguration {
        let url = ProcessInfo.processInfo.environment["BILLING_DATABASE_URL"] ?? "postgres://billing:billing@127.0.0.1:5442/billing"
        return try! DatabaseConfiguration(url: url)
    }

    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    /// A name no other test or run uses.
    static func unique(_ prefix: String) -> String {
        "\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs `deploy/local/services.sh ctl ARGS` (rabbitmqctl against the project's node).
    @discardableResult
    static func rabbitmqctl(_ arguments: String...) throws -> String {
        try run(servicesScript, ["ctl"] + arguments)
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
        let result = try runCapturing(executable, arguments, environment: environment)
        guard result.status == 0 else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    static func runCapturing(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = repositoryRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// The `billing` executable built beside the test bundle.
    static var billingExecutable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("billing").path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
