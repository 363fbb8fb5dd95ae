import BillingCore
import CCurl
import Foundation
import NIOPosix
import Synchronization

/// Sends email through libcurl. Each send blocks a thread of the mailer's own pool (never the
/// cooperative pool), on a libcurl handle kept between sends so its connection to the server
/// is reused.
package final class SMTPMailer: Sendable {
    let settings: SMTPSettings
    let threads: NIOThreadPool
    /// Idle handles, each with its connection; at most `connections` exist.
    let idle: Mutex<[CurlHandle]>

    package init(settings: SMTPSettings) {
        _ = ccurl_global_init()
        self.settings = settings
        self.threads = NIOThreadPool(numberOfThreads: max(1, settings.connections))
        self.threads.start()
        self.idle = Mutex([])
    }

    deinit {
        threads.shutdownGracefully { _ in }
        idle.withLock { handles in
            for handle in handles { ccurl_handle_destroy(handle.pointer) }
            handles.removeAll()
        }
    }

    /// Sends `message` (a whole RFC 5322 message) from `sender` to one `recipient`.
    package func send(_ message: [UInt8], from sender: String, to recipient: String) async -> DeliveryOutcome {
        do {
            return try await threads.runIfActive { [self] in self.sendBlocking(message, from: sender, to: recipient) }
        } catch {
            return .transient("SMTP: the mailer is shutting down")
        }
    }

    private func sendBlocking(_ message: [UInt8], from sender: String, to recipient: String) -> DeliveryOutcome {
        guard let handle = idle.withLock({ $0.popLast()?.pointer }) ?? ccurl_handle_create() else {
            return .transient("SMTP: libcurl could not create a handle")
        }
        var result = ccurl_smtp_result()
        let tls: ccurl_tls = switch settings.tls {
        case .none: CCURL_TLS_NONE
        case .opportunistic: CCURL_TLS_OPPORTUNISTIC
        case .required: CCURL_TLS_REQUIRED
        }
        func milliseconds(_ duration: Duration) -> Int {
            Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
        }
        message.withUnsafeBufferPointer { bytes in
            withOptionalCString(settings.username) { username in
                withOptionalCString(settings.password?.value) { password in
                    withOptionalCString(settings.caFile) { caFile in
                        settings.url.withCString { url in
                            sender.withCString { from in
                                recipient.withCString { to in
                                    var request = ccurl_smtp_request(
                                        url: url, username: username, password: password, mail_from: from, recipient: to,
                                        message: bytes.baseAddress, message_length: bytes.count, tls: tls, ca_file: caFile,
                                        connect_timeout_ms: milliseconds(settings.connectTimeout), timeout_ms: milliseconds(settings.timeout))
                                    ccurl_smtp_send(handle, &request, &result)
                                }
                            }
                        }
                    }
                }
            }
        }
        let outcome = DeliveryOutcome.smtp(curlCode: Int(result.curl_code), replyCode: result.response_code,
                                           reply: Self.string(&result.reply), error: Self.string(&result.error))
        if result.curl_code == 0 {
            let idleHandle = CurlHandle(pointer: handle)
            idle.withLock { $0.append(idleHandle) }
        } else {
            // After a failure the connection's state is unknown: start the next send afresh.
            ccurl_handle_destroy(handle)
        }
        return outcome
    }

    private static func string<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

private func withOptionalCString<Result>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}
