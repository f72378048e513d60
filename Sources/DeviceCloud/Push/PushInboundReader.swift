import DeviceCloudProtocol
import NIOCore

/// Hands decoded frames to one consumer on demand, reading the socket only while a request is open.
///
/// The channel runs with auto-read off: a socket read is issued only when the consumer asks for
/// more and nothing is buffered. The frames decoded from one read are handed over together, so a
/// stream of small blocks costs one event-loop hop per read rather than per block, and at most one
/// read's worth waits here: a consumer that stops pulling stops the reads, TCP's window closes, and
/// the server is pushed back. Must be used on its channel's event loop (see ``next(timeout:)``).
final class PushInboundReader: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = PushMessage
    typealias OutboundIn = PushMessage
    typealias OutboundOut = PushMessage

    /// Raised to the waiting consumer when no message arrived within the requested time.
    struct Timeout: Error {}

    private var buffered: [PushMessage] = []
    private var pending: EventLoopPromise<[PushMessage]>?
    private var pendingTimeout: Scheduled<Void>?
    /// `nil` while open; `.success` after a clean close; `.failure` after an error.
    private var terminal: Result<Void, any Error>?
    private var context: ChannelHandlerContext?
    /// Set once a close was asked for or an error ended the stream: from then on the socket is
    /// read freely, because a TLS shutdown must read the peer's close_notify to complete.
    private var isDraining = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.finish(.failure(ChannelError.ioOnClosedChannel))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.buffered.append(self.unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !self.buffered.isEmpty, let promise = self.takePending() {
            promise.succeed(self.takeBuffered())
        }
        // A read may end mid-frame; keep reading while the consumer is waiting.
        if self.isDraining || (self.pending != nil && self.terminal == nil) {
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish(.failure(error))
        self.startDraining(context: context)
        context.close(promise: nil)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        self.startDraining(context: context)
        context.close(mode: mode, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish(.success(()))
        context.fireChannelInactive()
    }

    /// The messages decoded so far, at least one; empty once the connection closed cleanly.
    ///
    /// - Parameters:
    ///   - timeout: fail with ``Timeout`` when nothing arrives in time.
    ///   - eventLoop: the channel's event loop, the one this is called on.
    func next(timeout: TimeAmount?, on eventLoop: any EventLoop) -> EventLoopFuture<[PushMessage]> {
        eventLoop.preconditionInEventLoop()
        if !self.buffered.isEmpty {
            return eventLoop.makeSucceededFuture(self.takeBuffered())
        }
        switch self.terminal {
        case .success: return eventLoop.makeSucceededFuture([])
        case .failure(let error): return eventLoop.makeFailedFuture(error)
        case nil: break
        }
        // Closing removes the handler from the pipeline; a request after that finds it closed.
        guard let context = self.context else {
            return eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        precondition(self.pending == nil, "one request at a time")
        let promise = eventLoop.makePromise(of: [PushMessage].self)
        self.pending = promise
        if let timeout {
            let loopBoundSelf = NIOLoopBound(self, eventLoop: eventLoop)
            self.pendingTimeout = eventLoop.scheduleTask(in: timeout) {
                loopBoundSelf.value.takePending()?.fail(Timeout())
            }
        }
        context.read()
        return promise.futureResult
    }

    private func startDraining(context: ChannelHandlerContext) {
        guard !self.isDraining else { return }
        self.isDraining = true
        context.read()
    }

    private func takeBuffered() -> [PushMessage] {
        defer { self.buffered.removeAll(keepingCapacity: true) }
        return self.buffered
    }

    private func takePending() -> EventLoopPromise<[PushMessage]>? {
        self.pendingTimeout?.cancel()
        self.pendingTimeout = nil
        defer { self.pending = nil }
        return self.pending
    }

    private func finish(_ result: Result<Void, any Error>) {
        guard self.terminal == nil else { return }
        self.terminal = result
        // Messages still buffered are handed out first; only an idle consumer learns of the end now.
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
