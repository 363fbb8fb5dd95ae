import BillingCore
import CCurl
import Foundation
import NIOPosix
import Synchronization

/// How to reach the SMTP server (`BILLING_SMTP_*`).
public struct SMTPSettings: Sendable, Equatable {
    /// Whether the connection to the SMTP server is encrypted.
    public enum TLS: String, Sendable {
        /// Plain SMTP (a local relay).
        case none
        /// STARTTLS when the server offers it.
        case opportunistic
        /// STARTTLS, or no send at all.
        case required
    }

    /// `smtp://host:port` (STARTTLS per ``tls``) or `smtps://host:port` (TLS from the first byte).
    public var url: String
    /// Whether STARTTLS is used (ignored for `smtps://`).
    public var tls: TLS
    /// The SMTP login, if the server asks for one.
    public var username: String?
    /// The SMTP password. Never logged.
    public var password: Secret?
    /// A PEM bundle to verify the server's certificate with, instead of the system's.
    public var caFile: String?
    /// How long connecting may take.
    public var connectTimeout: Duration
    /// How long one send may take, from connecting to the server's last answer.
    public var timeout: Duration
    /// Sends at once (each a blocking libcurl call on its own thread, on its own connection).
    public var connections: Int

    /// Settings from their parts; the defaults suit a relay on the same network.
    public init(url: String, tls: TLS = .opportunistic, username: String? = nil, password: Secret? = nil, caFile: String? = nil,
                connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30), connections: Int = 4) {
        self.url = url
        self.tls = tls
        self.username = username
        self.password = password
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.connections = connections
    }
}
