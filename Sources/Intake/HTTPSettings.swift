/// Where the HTTP server listens.
public struct HTTPSettings: Sendable, Equatable {
    /// The address to listen on, e.g. `127.0.0.1` or `0.0.0.0` (`BILLING_HTTP_HOST`).
    public var host: String
    /// The TCP port to listen on (`BILLING_HTTP_PORT`).
    public var port: Int
    /// How many NIO event-loop threads serve HTTP (`BILLING_HTTP_THREADS`).
    public var eventLoopThreads: Int
    /// Where the operator endpoints listen when they are apart from the webhooks
    /// (`BILLING_OPS_HTTP_HOST`, `BILLING_OPS_HTTP_PORT`); nil: on the main listener.
    public var operatorListener: (host: String, port: Int)? {
        get { operatorPort.map { (operatorHost, $0) } }
        set { operatorHost = newValue?.host ?? operatorHost; operatorPort = newValue?.port }
    }
    var operatorHost = "127.0.0.1"
    var operatorPort: Int?
    /// Timeouts and caps per client.
    public var clientLimits = ClientLimits()

    package init(host: String, port: Int, eventLoopThreads: Int = 1) {
        self.host = host
        self.port = port
        self.eventLoopThreads = eventLoopThreads
    }
}
