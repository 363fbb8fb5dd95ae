import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Intake

/// The intake's real server (`makeServer`) on a port, driven through raw sockets as a slow or
/// hostile client would drive it.
@Suite("Slow and hostile clients (live server)", .serialized)
struct SlowClientGuardTests {
    static var shortLimits: ClientLimits {
        var limits = ClientLimits()
        limits.headerTimeout = .milliseconds(400)
        limits.bodyTimeout = .milliseconds(1200)
        limits.idleTimeout = .seconds(5)
        return limits
    }

    func withServer(limits: ClientLimits = shortLimits, maxUnverified: Int = 1024, _ body: @Sendable (Int) async throws -> Void) async throws {
        var settings = IntakeSettings(stripeWebhookSecrets: ["whsec_slow"], internalSecret: "internal-secret-slow", opsToken: "ops-token-slow-0123")
        settings.maxUnverifiedRequests = maxUnverified
        let intake = IntakeApplication(settings: settings, publisher: RecordingPublisher(), readiness: ReadinessChecks([]), logger: Logger(label: "test"))
        try await intake.makeServer(host: "127.0.0.1", port: 0, eventLoopThreads: 1, limits: limits).test(.live) { client in
            try await body(try #require(client.port))
        }
    }

    @Test func aHeadThatStopsHalfWayIsCutAtTheHeaderTimeout() async throws {
        try await withServer { port in
            let socket = try RawClient(port: port)
            try socket.send("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\n")
            let closedAfter = try #require(try await socket.waitUntilClosed(timeout: 3), "the connection is still open after 3 s")
            #expect(closedAfter >= 0.3, "closed after \(closedAfter) s; header timeout 0.4 s")
        }
    }

    @Test func aConnectionThatNeverSendsARequestIsClosedAtTheHeaderTimeout() async throws {
        try await withServer { port in
            let socket = try RawClient(port: port)
            let closedAfter = try #require(try await socket.waitUntilClosed(timeout: 3), "the connection is still open after 3 s")
            #expect(closedAfter >= 0.3, "closed after \(closedAfter) s; header timeout 0.4 s")
        }
    }

    @Test func aByteASecondDoesNotKeepTheHeadAlive() async throws {
        try await withServer { port in
            let socket = try RawClient(port: port)
            let started = Date()
            var open = true
            for byte in "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8 {
                guard (try? socket.send(bytes: [byte])) != nil, !(try await socket.isClosed(within: 0.1)) else { open = false; break }
            }
            #expect(!open, "a dripping client was not cut")
            #expect(Date().timeIntervalSince(started) < 3.5, "the idle timeout (5 s) is not what closed it")
        }
    }

    @Test func aBodyThatNeverEndsIsCutAtTheBodyTimeoutNotTheHeaderTimeout() async throws {
        try await withServer { port in
            let socket = try RawClient(port: port)
            let header = "t=\(Int(Date().timeIntervalSince1970)),v1=\(String(repeating: "ab", count: 32))"
            try socket.send("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nStripe-Signature: \(header)\r\nContent-Length: 1000\r\n\r\n{\"id\":")
            let closedAfter = try #require(try await socket.waitUntilClosed(timeout: 4), "the connection is still open after 4 s")
            #expect(closedAfter >= 1.0, "closed after \(closedAfter) s; body timeout 1.2 s, not the header timeout 0.4 s")
        }
    }

    @Test func aKeptAliveConnectionWaitsForItsNextRequestUpToTheIdleTimeout() async throws {
        try await withServer { port in
            let socket = try RawClient(port: port)
            for _ in 0..<2 {
                try socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try await socket.receive(timeout: 2).hasPrefix("HTTP/1.1 200"))
                // Longer than the header timeout: between requests only the idle timeout counts.
                try await Task.sleep(for: .milliseconds(800))
            }
        }
    }

    @Test func requestsBeyondTheUnverifiedCapAreRefusedAtOnce() async throws {
        try await withServer(maxUnverified: 1) { port in
            let header = "t=\(Int(Date().timeIntervalSince1970)),v1=\(String(repeating: "ab", count: 32))"
            let slow = try RawClient(port: port)
            try slow.send("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nStripe-Signature: \(header)\r\nContent-Length: 100\r\n\r\n{")
            // Once the slow request is reading its body, the next one is refused. When that
            // happens depends on the machine's load: try until it does (or 3 s pass).
            var answer = ""
            let deadline = Date().addingTimeInterval(3)
            while Date() < deadline && !answer.hasPrefix("HTTP/1.1 503") {
                let second = try RawClient(port: port)
                try second.send("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nStripe-Signature: \(header)\r\nContent-Length: 2\r\n\r\n{}")
                answer = try await second.receive(timeout: 2)
            }
            #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer.replacingOccurrences(of: "\r\n", with: " | "))")
            #expect(answer.contains("too_many_unverified"))
            withExtendedLifetime(slow) {}  // its connection stays open (and counted) until here
        }
    }
}

/// A blocking TCP client on 127.0.0.1, for byte-level control of what the server receives.
final class RawClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestError("connect failed: \(errno)") }
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(bytes: Array(text.utf8)) }

    func send(bytes: [UInt8]) throws {
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw TestError("send failed: \(errno)") }
    }

    // The waits poll without blocking and sleep in between: a test blocking a thread of the
    // cooperative pool would starve the server under test, whose handlers run on it too.

    /// Seconds until the server closed the connection, or nil if it is still open after `timeout`.
    func waitUntilClosed(timeout: Double) async throws -> Double? {
        let started = Date()
        while Date().timeIntervalSince(started) < timeout {
            if try await isClosed(within: 0.05) { return Date().timeIntervalSince(started) }
        }
        return nil
    }

    /// True when the server closed the connection within `seconds` (reading gives end of file or a reset).
    func isClosed(within seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 0) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                return recv(fd, &buffer, buffer.count, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT)) <= 0
            }
            try await Task.sleep(for: .milliseconds(5))
        } while Date() < deadline
        return false
    }

    /// What the server sent within `timeout`.
    func receive(timeout: Double) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 0) > 0 {
                var buffer = [UInt8](repeating: 0, count: 65536)
                let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                return String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestError("no answer within \(timeout) s")
    }
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
