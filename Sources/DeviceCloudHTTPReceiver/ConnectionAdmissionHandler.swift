import Logging
import NIOCore

/// The first handler of every accepted connection: counts it against the receiver's
/// connection cap, and closes it at once (before any byte is read or TLS is started) when the
/// cap is reached. The service retries a delivery whose connection was closed.
final class ConnectionAdmissionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let connections: CappedCounter
    private let logger: Logger
    private var admitted = false

    init(connections: CappedCounter, logger: Logger) {
        self.connections = connections
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        guard self.connections.acquire() else {
            self.logger.debug(
                "connection refused: the receiver holds its maximum of connections",
                metadata: ["maximumConnections": "\(self.connections.maximum)"]
            )
            // Later handlers never see the connection as active: nothing starts on it.
            context.close(promise: nil)
            return
        }
        self.admitted = true
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if self.admitted {
            self.admitted = false
            self.connections.release()
        }
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension ConnectionAdmissionHandler: Sendable {}
