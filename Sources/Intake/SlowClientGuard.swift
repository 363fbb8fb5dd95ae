import NIOCore

/// Closes a connection whose client sends too slowly: a request's head must be complete within
/// `headerTimeout` of its first byte (the first request's, within `headerTimeout` of the
/// connection's opening, as a proxy's client header timeout counts), and its body within
/// `bodyTimeout` of the head. A client
/// that sends a byte a second (slowloris) therefore holds a connection for one timeout, not
/// for ever. Idle connections between requests are closed by Hummingbird's idle timeout.
///
/// It sits first in the pipeline, on the raw bytes, where it sees a request begin;
/// ``RequestPartWatch``, after the HTTP decoder, tells it when the head and the end arrived.
/// Hummingbird has the idle timeout but no per-request deadlines, so this is written here.
final class SlowClientGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private var inRequest = false
    private var deadline: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(headerTimeout: TimeAmount, bodyTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { startFirstRequest() }
    }

    func channelActive(context: ChannelHandlerContext) {
        startFirstRequest()
        context.fireChannelActive()
    }

    /// A connection that sends nothing at all is held to the header timeout too.
    private func startFirstRequest() {
        guard !inRequest, deadline == nil else { return }
        inRequest = true
        arm(headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !inRequest {
            inRequest = true
            arm(headerTimeout)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    /// The request's head was decoded: the body's deadline starts.
    func headReceived() {
        arm(bodyTimeout)
    }

    /// The request was read to its end: no deadline until the next request's first byte.
    func requestEnded() {
        deadline?.cancel()
        deadline = nil
        inRequest = false
    }

    private func arm(_ timeout: TimeAmount) {
        deadline?.cancel()
        guard let context else { return }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            bound.value.close(promise: nil)
        }
    }
}
