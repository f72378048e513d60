public import DeviceCloudProtocol
public import NIOCore

/// One authenticated client connection on a ``PushServer``.
public struct PushServerSession: Sendable, Hashable {
    /// Unique per connection for the server's lifetime.
    public let id: Int
    /// The monitor the client connected to.
    public let monitorID: UInt32
    let channel: any Channel
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let observer: PushServerObserver
    /// Opened once the ConnectResponse is written: the session is registered and counted before
    /// the client is answered, and nothing may reach the wire ahead of the answer.
    let answered = SessionGate()

    /// Sends a block. Suspends while the client is not reading (TCP backpressure).
    public func publish(_ message: PublishMessage) async throws {
        await self.answered.wait()
        var header = ByteBuffer()
        try PushFrameEncoder.writePublishHeader(message, into: &header)
        // Header and payload go out as two buffers of one write: the payload is never copied.
        try await self.outbound.write(contentsOf: [header, message.payload])
        let size = message.payload.readableBytes
        self.observer.update { $0.bytesPublished[self.monitorID, default: 0] += size }
    }

    /// Sends several blocks in one write, the way a service flushes a backlog.
    public func publish(contentsOf messages: some Sequence<PublishMessage>) async throws {
        await self.answered.wait()
        var frames = ByteBuffer()
        var size = 0
        for message in messages {
            try PushFrameEncoder.write(.publishMessage(message), into: &frames)
            size += message.payload.readableBytes
        }
        try await self.outbound.write(frames)
        self.observer.update { [size] in $0.bytesPublished[self.monitorID, default: 0] += size }
    }

    /// Writes raw bytes, e.g. half a frame, to simulate a faulty service.
    public func writeRaw(_ bytes: ByteBuffer) async throws {
        await self.answered.wait()
        try await self.outbound.write(bytes)
    }

    /// Closes the connection.
    public func close() {
        self.channel.close(promise: nil)
    }

    public static func == (lhs: PushServerSession, rhs: PushServerSession) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.id) }
}
