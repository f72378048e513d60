import Logging
import NIOCore
import NIOHTTPTypes

/// Guards the reading of each request on one connection, between the HTTP decoder and the
/// server:
///
/// - **Read deadline.** A request's body must have arrived completely within `readTimeout` of
///   its head (a whole-request deadline, not a per-byte rate); otherwise the request fails with
///   ``RequestReadTimeout`` and the connection is closed.
/// - **Early answers close.** A response finished before its request's body was read (401, 413,
///   503 without reading the body) carries `Connection: close`; then the connection's output is
///   closed and its input discarded until the request ends or its read deadline passes (a
///   lingering close, so the client reads the answer instead of a reset). A refused client
///   therefore never keeps the connection busy with a body nobody wants.
final class RequestReadGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let readTimeout: TimeAmount
    private let logger: Logger
    /// The read deadline of the request being read, if one is.
    private var deadline: Scheduled<Void>?
    /// Requests whose end was read, and requests whose response ended (in order: HTTP/1.1
    /// answers requests in the order they came).
    private var endedRequests = 0
    private var answeredRequests = 0
    /// The response being written answers a request whose body is still unread.
    private var answeringEarly = false
    /// The output is closed: the connection closes when the request being read ends.
    private var lingering = false

    init(readTimeout: TimeAmount, logger: Logger) {
        self.readTimeout = readTimeout
        self.logger = logger
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head:
            self.arm(context)
        case .body:
            break
        case .end:
            self.deadline?.cancel()
            self.deadline = nil
            self.endedRequests += 1
            if self.lingering {
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(var response) where response.status.kind != .informational:
            guard self.endedRequests <= self.answeredRequests else { break }
            self.answeringEarly = true
            response.headerFields[.connection] = "close"
            context.write(self.wrapOutboundOut(.head(response)), promise: promise)
            return
        case .head, .body:
            break
        case .end:
            self.answeredRequests += 1
            guard self.answeringEarly else { break }
            self.answeringEarly = false
            self.lingering = true
            context.writeAndFlush(data, promise: promise)
            let closed = context.eventLoop.makePromise(of: Void.self)
            closed.futureResult.assumeIsolated().whenFailure { _ in
                // A transport without half-closure: close it all.
                context.close(promise: nil)
            }
            context.close(mode: .output, promise: closed)
            return
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        self.deadline?.cancel()
        let logger = self.logger
        let timeout = self.readTimeout
        self.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            logger.debug("connection closed: a request was not read in time", metadata: ["requestReadTimeout": "\(timeout)"])
            // The request's reader learns why its body ended; then the connection goes.
            context.fireErrorCaught(RequestReadTimeout())
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension RequestReadGuard: Sendable {}

/// A request's body did not arrive within the receiver's request read timeout.
struct RequestReadTimeout: Error {}
