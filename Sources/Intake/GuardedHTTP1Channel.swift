import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 channel with ``SlowClientGuard`` in front of it: the same server, plus
/// header and body deadlines per request.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount

    /// Runs on the new connection's event loop, as Hummingbird's own setup does.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let guardHandler = SlowClientGuard(headerTimeout: headerTimeout, bodyTimeout: bodyTimeout)
        do {
            try channel.pipeline.syncOperations.addHandler(guardHandler, position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let bound = NIOLoopBound(guardHandler, eventLoop: channel.eventLoop)
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let codec = try channel.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self)
            try channel.pipeline.syncOperations.addHandler(RequestPartWatch(guardHandler: bound.value), position: .after(codec))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
