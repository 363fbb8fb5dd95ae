import Foundation
import Synchronization

/// A test server written in Python (`Tests/tools/*.py`, from the test venv), started for one
/// test and stopped with SIGTERM.
final class PythonServer: Sendable {
    let process: Process
    let port: Int

    init(script: String, arguments: [String]) throws {
        guard let python = ProcessInfo.processInfo.environment["BILLING_TEST_PYTHON"] else {
            throw TestFailure("BILLING_TEST_PYTHON is not set: run the tests with deploy/local/test.sh, which installs the Python test tools")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestServers.repositoryRoot.appendingPathComponent("Tests/tools/\(script)").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The script prints "ready <port>" once it listens.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw TestFailure("\(script) exited before it was ready") }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 2, words[0] == "ready", let port = Int(words[1]) else {
            throw TestFailure("\(script) said \(String(decoding: line, as: UTF8.self))")
        }
        self.process = process
        self.port = port
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// `Tests/tools/smtp_sink.py`: a real SMTP server (aiosmtpd) that stores each message it
/// accepts, as Python's email package parsed it.
final class SMTPSink: Sendable {
    struct Message: Decodable {
        var mail_from: String
        var rcpt_tos: [String]
        var from: String
        var to: String
        var subject: String
        var message_id: String
        var auto_submitted: String
        var text: String?
        var html: String?
        var tls: Bool
        var auth_user: String?
    }

    let directory: URL
    let reject: String?
    let tls: Bool
    let auth: String?
    private let state: Mutex<(server: PythonServer?, port: Int)>
    var port: Int { state.withLock { $0.port } }

    /// - Parameter reject: refuse (550) recipients containing this.
    /// - Parameter tls: offer and require STARTTLS, with the local CA's `localhost` certificate.
    /// - Parameter auth: `user:password` that AUTH must present.
    init(reject: String? = nil, tls: Bool = false, auth: String? = nil, port: Int = 0) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString.prefix(8))")
        self.reject = reject
        self.tls = tls
        self.auth = auth
        self.state = Mutex((nil, port))
        try start()
    }

    static var tlsDirectory: String {
        TestServers.repositoryRoot.appendingPathComponent(".local/services/rabbitmq/tls").path
    }

    func start() throws {
        var arguments = ["--dir", directory.path, "--port", String(port)]  // the same port again after a stop
        if let reject { arguments += ["--reject", reject] }
        if let auth { arguments += ["--auth", auth] }
        if tls { arguments += ["--tls-cert", "\(Self.tlsDirectory)/server.pem", "--tls-key", "\(Self.tlsDirectory)/server.key"] }
        let server = try PythonServer(script: "smtp_sink.py", arguments: arguments)
        state.withLock { $0 = (server, server.port) }
    }

    func stop() {
        let server = state.withLock { state in
            defer { state.server = nil }
            return state.server
        }
        server?.stop()
    }

    var url: String { "smtp://\(tls ? "localhost" : "127.0.0.1"):\(port)" }

    func messages() throws -> [Message] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []  // not there yet: no message yet
        return try files.filter { $0.hasSuffix(".json") }.sorted().map {
            try JSONDecoder().decode(Message.self, from: Data(contentsOf: directory.appendingPathComponent($0)))
        }
    }

    deinit { stop() }
}

/// `Tests/tools/webhook_receiver.py`: verifies each request with the reference Standard
/// Webhooks library and records it.
final class WebhookReceiver: Sendable {
    struct Request: Decodable {
        var id: String?
        var verified: Bool
        var error: String?
        var status: Int
        var path: String
        var body: String
    }

    let server: PythonServer
    let log: URL

    init(secret: String, failFirst: Int = 0) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("webhooks-\(UUID().uuidString.prefix(8)).jsonl")
        server = try PythonServer(script: "webhook_receiver.py", arguments: ["--secret", secret, "--out", log.path,
                                                                             "--fail-first", String(failFirst)])
    }

    func url(_ path: String = "/hooks/billing") -> String { "http://127.0.0.1:\(server.port)\(path)" }

    func requests() throws -> [Request] {
        guard let data = try? Data(contentsOf: log) else { return [] }  // no request yet
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(Request.self, from: Data($0.utf8))
        }
    }
}
