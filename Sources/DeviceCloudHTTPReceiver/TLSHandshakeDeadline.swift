import Logging
import NIOCore
import NIOTLS

/// Closes a connection whose TLS handshake has not completed within a time of the connection
/// opening. Sits right after the TLS handler, which announces the completed handshake; then it
/// removes itself.
final class TLSHandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let timeout: TimeAmount
    private let logger: Logger
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if case .handshakeCompleted = event as? TLSUserEvent {
            self.deadline?.cancel()
            self.deadline = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard self.deadline == nil else { return }
        let logger = self.logger
        let timeout = self.timeout
        self.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            logger.debug("connection closed: no TLS handshake", metadata: ["tlsHandshakeTimeout": "\(timeout)"])
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension TLSHandshakeDeadline: Sendable {}
