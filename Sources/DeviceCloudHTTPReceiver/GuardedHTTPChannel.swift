import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// Sets up each accepted connection of the receiver: the connection cap first, then TLS with
/// its handshake deadline (for HTTPS), then Hummingbird's HTTP/1.1 pipeline (with its idle
/// timeout and the ``RequestReadGuard``).
struct GuardedHTTPChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    /// TLS for HTTPS: the context and how long a handshake may take.
    struct TLS: Sendable {
        let context: NIOSSLContext
        let handshakeTimeout: TimeAmount
    }

    let base: HTTP1Channel
    let connections: CappedCounter
    let tls: TLS?
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ConnectionAdmissionHandler(connections: self.connections, logger: self.logger))
            if let tls = self.tls {
                try pipeline.addHandler(NIOSSLServerHandler(context: tls.context))
                try pipeline.addHandler(TLSHandshakeDeadline(timeout: tls.handshakeTimeout, logger: self.logger))
            }
        }.flatMap {
            self.base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await self.base.handle(value: value, logger: logger)
    }
}
