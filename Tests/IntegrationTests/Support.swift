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

    /// Runs `deploy/local/services.sh postgres ACTION` (`stop`, `start`, `restart`).
    static func postgres(_ action: String) throws {
        try run(servicesScript, ["postgres", action])
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
        let result = try runCapturing(executable, arguments, environment: environment)
        guard result.status == 0 else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    /// Runs `executable` to its end (at most `timeout`, then it is killed) and returns its status
    /// and output. Spawned and reaped here with `posix_spawn` and `waitpid`: Foundation's
    /// `Process.waitUntilExit` once never returned for a child that had exited (left a zombie,
    /// the test hung), and a test must never hang.
    static func runCapturing(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                             timeout: Duration = .seconds(180)) throws -> (status: Int32, stdout: String, stderr: String)
    {
        let result = try runMeasured(executable, arguments, environment: environment, timeout: timeout)
        return (result.status, result.stdout, result.stderr)
    }

    /// ``runCapturing(_:_:environment:timeout:)`` that also reports the child's peak resident
    /// memory (`ru_maxrss`, KiB, from `wait4`).
    static func runMeasured(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                            timeout: Duration = .seconds(180)) throws -> (status: Int32, stdout: String, stderr: String, peakKiB: Int)
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outPath = directory.appendingPathComponent("stdout").path
        let errPath = directory.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let environment = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        // `env --chdir` starts it in the repository (where `consumers/` and `config/` are found).
        let argv = (["/usr/bin/env", "--chdir=\(repositoryRoot.path)", executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, envp)
        guard spawned == 0 else { throw TestFailure("cannot start \(executable): \(String(cString: strerror(spawned)))") }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { throw TestFailure("waitpid \(executable): \(String(cString: strerror(errno)))") }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw TestFailure("\(executable) \(arguments.joined(separator: " ")) ran longer than \(timeout); killed")
            }
            usleep(20_000)
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (exitStatus, stdout, stderr, Int(usage.ru_maxrss))
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
