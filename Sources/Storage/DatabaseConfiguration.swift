import Foundation
import NIOSSL
import PostgresNIO

/// Where the database is: parsed once from `postgres://user:password@host:port/database`.
///
/// `?sslmode=` picks TLS with libpq's meanings: `disable` (the default, for the local cluster
/// on loopback), `prefer`, `require` (encrypted, the certificate not checked), `verify-ca` (the
/// chain checked) and `verify-full` (chain and host name: use it in production), with
/// `sslrootcert=/path/ca.pem` for a private CA. The password never appears in
/// ``redactedDescription`` or in errors.
public struct DatabaseConfiguration: Sendable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// The role's password, if it needs one. Never logged.
    public var password: String?
    /// The database name.
    public var database: String
    /// `disable`, `prefer`, `require`, `verify-ca` or `verify-full`.
    public var sslMode: String
    /// The CA certificates (PEM) that sign the server's certificate (`sslrootcert`); the
    /// system's trust store when nil.
    public var rootCertificatePath: String?

    /// The TLS modes, as libpq names them.
    static let sslModes = ["disable", "prefer", "require", "verify-ca", "verify-full"]
    /// Connections the pool may open at most.
    public var maximumConnections: Int
    /// How long opening a connection may take (`connect_timeout`, seconds, as libpq names it).
    public var connectTimeout: Duration = .seconds(5)
    /// The longest any statement may run before the server cancels it (`statement_timeout`,
    /// milliseconds, as PostgreSQL names it): a stuck query fails and is retried instead of
    /// holding a consumer and its connection. Migrations lift it for their own transaction.
    public var statementTimeout: Duration = .seconds(30)

    /// A configuration from its parts.
    public init(host: String, port: Int = 5432, user: String, password: String?, database: String,
                sslMode: String = "disable", maximumConnections: Int = 20) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.maximumConnections = maximumConnections
    }

    /// Parses `postgres://user:password@host:port/database[?sslmode=…&max_connections=…]`; a wrong URL throws
    /// ``StorageError/invalidURL(reason:)`` saying what to fix.
    public init(url string: String) throws(StorageError) {
        guard let components = URLComponents(string: string), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidURL(reason: "expected postgres://user:password@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL(reason: "missing host") }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else { throw .invalidURL(reason: "missing user") }
        let database = String(components.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else { throw .invalidURL(reason: "missing database name") }
        self.init(host: host, port: components.port ?? 5432, user: user,
                  password: components.password?.removingPercentEncoding, database: database)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value, Self.sslModes.contains(mode) else {
                    throw .invalidURL(reason: "sslmode must be disable, prefer, require, verify-ca or verify-full")
                }
                sslMode = mode
            case "sslrootcert":
                guard let path = item.value, FileManager.default.isReadableFile(atPath: path) else {
                    throw .invalidURL(reason: "sslrootcert must name a readable PEM file")
                }
                rootCertificatePath = path
            case "max_connections":
                guard let value = item.value.flatMap(Int.init), value > 0 else { throw .invalidURL(reason: "max_connections must be > 0") }
                maximumConnections = value
            case "connect_timeout":
                guard let value = item.value.flatMap(Int.init), (1...300).contains(value) else {
                    throw .invalidURL(reason: "connect_timeout must be 1 to 300 seconds")
                }
                connectTimeout = .seconds(value)
            case "statement_timeout":
                guard let value = item.value.flatMap(Int.init), (0...86_400_000).contains(value) else {
                    throw .invalidURL(reason: "statement_timeout must be 0 (none) to 86400000 milliseconds")
                }
                statementTimeout = .milliseconds(value)
            default:
                throw .invalidURL(reason: "unknown query parameter \(item.name)")
            }
        }
    }

    /// Printing a configuration shows the URL without the password.
    public var description: String { redactedDescription }

    /// The URL without the password, for logs.
    public var redactedDescription: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// The same server, another database (tests create throw-away databases).
    public func with(database: String) -> DatabaseConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// The TLS client settings of `sslMode`: what libpq's mode of that name checks.
    var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case "verify-full": tls.certificateVerification = .fullVerification
        case "verify-ca": tls.certificateVerification = .noHostnameVerification
        default: tls.certificateVerification = .none  // prefer, require: encrypted, not authenticated
        }
        if let rootCertificatePath { tls.trustRoots = .file(rootCertificatePath) }
        return tls
    }

    /// One connection's configuration (the readiness probe's), connecting within `timeout`.
    func connectionConfiguration(timeout: Duration) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case "require", "verify-ca", "verify-full": .require(try NIOSSLContext(configuration: tlsConfiguration))
        case "prefer": .prefer(try NIOSSLContext(configuration: tlsConfiguration))
        default: .disable
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: tls)
        let parts = timeout.components
        configuration.options.connectTimeout = .nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        return configuration
    }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case "require", "verify-ca", "verify-full": .require(tlsConfiguration)
        case "prefer": .prefer(tlsConfiguration)
        default: .disable
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = connectTimeout
        let statementMilliseconds = statementTimeout.components.seconds * 1_000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000
        configuration.options.additionalStartupParameters = [("statement_timeout", String(statementMilliseconds))]
        // No keep-alive queries on idle connections: with them, every lease and release keeps
        // about 1.5 KB alive until the 30 s keep-alive timer would have fired, so a busy
        // worker grew by ~100 MiB (measured: 10,000 one-query leases +16 MiB with keep-alive,
        // flat without). A connection that died while idle fails its next query, which the
        // runner retries as a lost connection.
        configuration.options.keepAliveBehavior = nil
        return configuration
    }
}
