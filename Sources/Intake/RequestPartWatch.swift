import NIOCore
import NIOHTTPTypes

/// Tells ``SlowClientGuard`` when a request's head and end have been decoded. Sits right after
/// the HTTP decoder, on the same channel (and so the same event loop) as the guard.
final class RequestPartWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let guardHandler: SlowClientGuard

    init(guardHandler: SlowClientGuard) {
        self.guardHandler = guardHandler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: guardHandler.headReceived()
        case .end: guardHandler.requestEnded()
        case .body: break
        }
        context.fireChannelRead(data)
    }
}
