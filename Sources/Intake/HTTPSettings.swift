/// Where the HTTP server listens.
public struct HTTPSettings: Sendable, Equatable {
    /// The address to listen on, e.g. `127.0.0.1` or `0.0.0.0` (`BILLING_HTTP_HOST`).
    public var host: String
    /// The TCP port to listen on (`BILLING_HTTP_PORT`).
    public var port: Int
    /// How many NIO event-loop threads serve HTTP (`BILLING_HTTP_THREADS`).
    public var eventLoopThreads: Int

    package init(host: String, port: Int, eventLoopThreads: Int = 1) {
        self.host = host
        self.port = port
        self.eventLoopThreads = eventLoopThreads
    }
}
