import Foundation

/// Where and how to reach the broker: parsed once from an `amqp://` or `amqps://` URL.
///
/// `amqp://user:password@host:port/vhost?heartbeat=30&connection_timeout=5000`. The vhost is
/// percent-decoded (`%2f` is `/`); an empty path means the default vhost `/`. Query parameters
/// follow the RabbitMQ URI spec names: `heartbeat` (seconds), `connection_timeout` (ms), and for
/// TLS `cacertfile` and `verify` (`verify_peer` or `verify_none`).
public struct AMQPConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The broker's host name or address.
    package var host: String
    /// The broker's port: 5672 for `amqp`, 5671 for `amqps` unless the URL says otherwise.
    package var port: Int
    /// The virtual host, decoded (`/` by default).
    package var virtualHost: String
    /// The user name; `guest` when the URL has none.
    package var user: String
    /// The password; `guest` when the URL has none. Never printed.
    package var password: String
    /// Whether to connect over TLS (`amqps`).
    package var useTLS: Bool
    /// With TLS: whether to check the broker's certificate and host name (`verify=verify_peer`, the default).
    package var verifyPeer: Bool
    /// With TLS: a PEM file of the CAs to trust (`cacertfile`); nil trusts the system's CAs.
    package var caCertificatePath: String?
    /// Heartbeat interval negotiated with the broker; 0 turns heartbeats off.
    package var heartbeat: Duration
    /// Limit for opening the socket and the AMQP handshake.
    package var connectTimeout: Duration
    /// Limit for a synchronous request such as `queue.declare`.
    var rpcTimeout: Duration
    /// How long a publish waits for the broker's confirm before it fails with `confirmTimeout`.
    /// It also bounds each write to the socket: a broker that stops reading for longer loses
    /// the connection, which is then re-opened.
    public var confirmTimeout: Duration
    /// The most messages that may wait for confirms at once; a publish above it fails at once
    /// with ``AMQPError/overloaded(limit:)`` instead of queueing.
    public var maxInFlightPublishes: Int
    /// First and longest pause between reconnect attempts (doubling in between).
    package var reconnectDelay: ClosedRange<Duration>
    /// The name the broker shows for this connection (`rabbitmqctl list_connections`).
    public var connectionName: String

    init(
        host: String = "127.0.0.1", port: Int = 5672, virtualHost: String = "/",
        user: String = "guest", password: String = "guest", useTLS: Bool = false
    ) {
        self.host = host
        self.port = port
        self.virtualHost = virtualHost
        self.user = user
        self.password = password
        self.useTLS = useTLS
        self.verifyPeer = true
        self.caCertificatePath = nil
        self.heartbeat = .seconds(30)
        self.connectTimeout = .seconds(5)
        self.rpcTimeout = .seconds(30)
        self.confirmTimeout = .seconds(10)
        self.maxInFlightPublishes = 20_000
        self.reconnectDelay = .milliseconds(100)...(.seconds(5))
        self.connectionName = "billing"
    }

    /// Parses an AMQP URL. The error never repeats the password.
    public init(url string: String) throws(AMQPError) {
        guard let components = URLComponents(string: string), let scheme = components.scheme?.lowercased() else {
            throw .invalidURL(reason: "not a URL")
        }
        guard scheme == "amqp" || scheme == "amqps" else {
            throw .invalidURL(reason: "scheme must be amqp or amqps, not \(scheme)")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL(reason: "missing host") }
        self.init(host: host, useTLS: scheme == "amqps")
        port = components.port ?? (useTLS ? 5671 : 5672)
        user = components.user.flatMap { $0.removingPercentEncoding } ?? "guest"
        password = components.password.flatMap { $0.removingPercentEncoding } ?? "guest"
        var path = components.percentEncodedPath
        if path.hasPrefix("/") { path.removeFirst() }
        if !path.isEmpty {
            guard !path.contains("/"), let vhost = path.removingPercentEncoding else {
                throw .invalidURL(reason: "the vhost must be one path segment, with / written as %2f")
            }
            virtualHost = vhost
        }
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "heartbeat":
                guard let seconds = Int(value), seconds >= 0 else { throw .invalidURL(reason: "heartbeat must be whole seconds") }
                heartbeat = .seconds(seconds)
            case "connection_timeout":
                guard let ms = Int(value), ms > 0 else { throw .invalidURL(reason: "connection_timeout must be milliseconds > 0") }
                connectTimeout = .milliseconds(ms)
            case "cacertfile":
                caCertificatePath = value
            case "verify":
                guard value == "verify_peer" || value == "verify_none" else {
                    throw .invalidURL(reason: "verify must be verify_peer or verify_none")
                }
                verifyPeer = value == "verify_peer"
            default:
                throw .invalidURL(reason: "unknown query parameter \(item.name)")
            }
        }
    }

    /// Printing a configuration shows the URL without the password.
    public var description: String { redactedDescription }

    /// The URL without its password, for logs.
    public var redactedDescription: String {
        let vhost = virtualHost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? virtualHost
        return "\(useTLS ? "amqps" : "amqp")://\(user)@\(host):\(port)/\(vhost)"
    }
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
