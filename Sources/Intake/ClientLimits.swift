/// What one HTTP client may hold of the server, with the defaults a reverse proxy would use.
public struct ClientLimits: Sendable, Equatable {
    /// A request's head must be complete this long after its first byte
    /// (`BILLING_HTTP_HEADER_TIMEOUT_MS`, default 10 s).
    public var headerTimeout: Duration = .seconds(10)
    /// A request's body must be complete this long after its head (`BILLING_HTTP_BODY_TIMEOUT_MS`, default 30 s).
    public var bodyTimeout: Duration = .seconds(30)
    /// A connection with no request is closed after this long (`BILLING_HTTP_IDLE_TIMEOUT_MS`, default 60 s).
    public var idleTimeout: Duration = .seconds(60)
    /// Open connections at most; beyond it, new ones wait in the kernel's backlog
    /// (`BILLING_HTTP_MAX_CONNECTIONS`, default 10,000).
    public var maxConnections: Int = 10_000
    /// Webhook and event requests whose signature is not verified yet (their body is still
    /// being read) at most; beyond it, `503` at once (`BILLING_HTTP_MAX_UNVERIFIED`, default 1,024).
    public var maxUnverifiedRequests: Int = 1_024

    /// The defaults above.
    public init() {}
}
