import NIOCore

/// Looks at the first frame header a client sends (type u16, length u32) and closes the
/// connection when it announces a ConnectRequest larger than the cap, before the frame decoder
/// buffers any of it; then leaves the pipeline. Everything passes through unchanged.
final class ConnectRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Raised into the pipeline when the announced ConnectRequest is too large.
    struct OversizeConnectRequest: Error {
        let length: UInt32
    }

    private let maximumLength: Int
    private var header = ByteBuffer()

    init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = self.unwrapInboundIn(data)
        let needed = 6 - self.header.readableBytes
        if let slice = bytes.getSlice(at: bytes.readerIndex, length: min(needed, bytes.readableBytes)) {
            var slice = slice
            self.header.writeBuffer(&slice)
        }
        guard self.header.readableBytes == 6 else {
            context.fireChannelRead(data)
            return
        }
        let length = self.header.getInteger(at: self.header.readerIndex + 2, as: UInt32.self) ?? 0
        guard Int(length) <= self.maximumLength else {
            context.fireErrorCaught(OversizeConnectRequest(length: length))
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}
