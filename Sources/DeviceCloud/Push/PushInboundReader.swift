import DeviceCloudProtocol
import NIOCore

/// Hands decoded frames to one reader on demand, reading the socket only while a request is open.
///
/// The channel runs with auto-read off: a socket read is issued only when the session asks for
/// more and nothing is buffered. The frames decoded from one read are handed over together, so a
/// stream of small blocks costs one event-loop hop per read rather than per block, and at most one
/// read's worth waits here: a consumer that stops pulling stops the reads, TCP's window closes, and
/// the server is pushed back. It only performs reads; whether the session goes on is decided by
/// ``PushSessionStateMachine``. Must be used on its channel's event loop (see ``next(on:)``).
final class PushInboundReader: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = PushMessage
    typealias OutboundIn = PushMessage
    typealias OutboundOut = PushMessage

    /// Asked for a read while another was still open: the session's driver guarantees it is not.
    struct OverlappingRead: Error {}

    private var buffered: [PushMessage] = []
    private var pending: EventLoopPromise<[PushMessage]>?
    /// How the channel ended: `.success` after a clean close, `.failure` after an error.
    private var ending: Result<Void, any Error>?
    private var context: ChannelHandlerContext?
    /// Once a close is under way the socket is read freely: a TLS shutdown must read the peer's
    /// close_notify to complete.
    private var isClosing = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.end(.failure(ChannelError.ioOnClosedChannel))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.buffered.append(self.unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !self.buffered.isEmpty, let promise = self.takePending() {
            promise.succeed(self.takeBuffered())
        }
        // A read may end mid-frame; keep reading while a request is open.
        if self.isClosing || (self.pending != nil && self.ending == nil) {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.end(.failure(error))
        self.startClosing(context: context)
        context.close(promise: nil)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        self.startClosing(context: context)
        context.close(mode: mode, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.end(.success(()))
        context.fireChannelInactive()
    }

    /// The messages decoded so far, at least one; empty once the connection closed cleanly.
    func next(on eventLoop: any EventLoop) -> EventLoopFuture<[PushMessage]> {
        eventLoop.preconditionInEventLoop()
        if !self.buffered.isEmpty {
            return eventLoop.makeSucceededFuture(self.takeBuffered())
        }
        switch self.ending {
        case .success: return eventLoop.makeSucceededFuture([])
        case .failure(let error): return eventLoop.makeFailedFuture(error)
        case nil: break
        }
        // Closing removes the handler from the pipeline; a request after that finds it closed.
        guard let context = self.context else {
            return eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        guard self.pending == nil else {
            return eventLoop.makeFailedFuture(OverlappingRead())
        }
        let promise = eventLoop.makePromise(of: [PushMessage].self)
        self.pending = promise
        context.read()
        return promise.futureResult
    }

    private func startClosing(context: ChannelHandlerContext) {
        guard !self.isClosing else { return }
        self.isClosing = true
        context.read()
    }

    private func takeBuffered() -> [PushMessage] {
        defer { self.buffered.removeAll(keepingCapacity: true) }
        return self.buffered
    }

    private func takePending() -> EventLoopPromise<[PushMessage]>? {
        defer { self.pending = nil }
        return self.pending
    }

    private func end(_ result: Result<Void, any Error>) {
        guard self.ending == nil else { return }
        self.ending = result
        // Messages still buffered are handed out first; only an idle request learns of the end now.
        guard let promise = self.takePending() else { return }
        if !self.buffered.isEmpty {
            promise.succeed(self.takeBuffered())
            return
        }
        switch result {
        case .success: promise.succeed([])
        case .failure(let error): promise.fail(error)
        }
    }
}
