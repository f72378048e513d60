import DeviceCloudProtocol
import NIOCore
import Synchronization

/// Tells the server when a connection stops being writable, i.e. the client is not reading
/// and TCP is pushing back. Lets tests await backpressure instead of guessing with timers.
final class WritabilityReporter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = PushMessage
    typealias InboundOut = PushMessage

    /// Where writability changes go; set once the session knows its monitor.
    final class Sink: Sendable {
        private let callback = Mutex<(@Sendable (Bool) -> Void)?>(nil)

        func set(_ callback: @escaping @Sendable (Bool) -> Void) {
            self.callback.withLock { $0 = callback }
        }

        func report(_ writable: Bool) {
            self.callback.withLock { $0 }?(writable)
        }
    }

    let sink = Sink()

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.sink.report(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    static func sink(of channel: any Channel) async throws -> Sink {
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: WritabilityReporter.self).sink
        }.get()
    }
}
