/// Where the HTTP server listens.
public struct HTTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var eventLoopThreads: Int

    public init(host: String, port: Int, eventLoopThreads: Int = 1) {
        self.host = host
        self.port = port
        self.eventLoopThreads = eventLoopThreads
    }
}
