import CAMQP

/// One open librabbitmq connection and its channels. Lives on the connection's thread only.
final class LiveConnection {
    let handle: amqp_connection_state_t
    let serverVersion: String
    private let queue: CommandQueue
    /// The incarnation of each open channel; settlements carry it (see ``DeliverySettler``).
    private(set) var openChannels: [UInt16: UInt64] = [:]
    private var nextSerial: UInt64
    /// Set when a request found the socket or the connection dead; the loop then reconnects.
    private(set) var brokenReason: String?

    static let publishChannel: UInt16 = 1
    static let requestChannel: UInt16 = 2
    static let firstConsumerChannel: UInt16 = 3

    init(handle: amqp_connection_state_t, queue: CommandQueue, serialBase: UInt64) {
        self.handle = handle
        self.queue = queue
        self.nextSerial = serialBase
        var version = [CChar](repeating: 0, count: 64)
        camqp_server_property(handle, "version", &version, version.count)
        self.serverVersion = String(cBuffer: version)
    }

    var lastSerial: UInt64 { nextSerial }

    func markBroken(_ reason: String) {
        if brokenReason == nil { brokenReason = reason }
    }

    /// Opens `channel` unless it is open; returns its serial.
    @discardableResult
    func open(channel: UInt16) throws(AMQPError) -> UInt64 {
        if let serial = openChannels[channel] { return serial }
        amqp_channel_open(handle, channel)
        try check(amqp_get_rpc_reply(handle), channel: channel)
        nextSerial += 1
        openChannels[channel] = nextSerial
        return nextSerial
    }

    func channelClosed(_ channel: UInt16) {
        openChannels[channel] = nil
    }

    /// The lowest channel id free for a consumer (the broker has acknowledged every close).
    func allocateConsumerChannel() -> UInt16 {
        var channel = LiveConnection.firstConsumerChannel
        while openChannels[channel] != nil { channel += 1 }
        return channel
    }

    func settler(for channel: UInt16) -> DeliverySettler? {
        openChannels[channel].map { DeliverySettler(queue: queue, channel: channel, serial: $0) }
    }

    /// Turns an RPC reply into an error. A channel the broker closed is forgotten (it can be
    /// reopened); a dead connection is marked broken.
    func check(_ reply: amqp_rpc_reply_t, channel: UInt16) throws(AMQPError) {
        guard reply.reply_type != AMQP_RESPONSE_NORMAL else { return }
        var code: UInt16 = 0
        var message = [CChar](repeating: 0, count: 512)
        _ = camqp_describe_reply(handle, channel, reply, &code, &message, message.count)
        let text = String(cBuffer: message)
        if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION, reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD {
            channelClosed(channel)
            throw .channelClosed(code: code, reason: text)
        }
        markBroken(text)
        throw .connectionLost(reason: text)
    }

    /// Checks the status of a librabbitmq call that only writes (publish, ack).
    func check(status: Int32) throws(AMQPError) {
        guard status != AMQP_STATUS_OK.rawValue else { return }
        let text = String(cString: amqp_error_string2(status))
        markBroken(text)
        throw .connectionLost(reason: text)
    }
}
