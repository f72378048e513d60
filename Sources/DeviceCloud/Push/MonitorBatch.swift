public import DeviceCloudProtocol
public import NIOCore

/// One block of events delivered by a monitor, with the means to acknowledge it.
public struct MonitorBatch: Sendable {
    /// The monitor that delivered the batch.
    public let monitorID: UInt32
    /// The service's block id (wraps at 65535).
    public let blockID: UInt16
    /// The number of events the service announced for the block.
    public let announcedCount: UInt16
    /// How the block travelled on the wire.
    public let compression: PayloadCompression
    /// The document format.
    public let format: PayloadFormat
    /// The whole uncompressed document, for consumers that forward bytes.
    public let document: ByteBuffer
    /// The events in delivery order. Their bodies are slices of ``document``.
    public let events: [MonitorEvent]

    let acknowledger: BatchAcknowledger

    init(
        monitorID: UInt32,
        message: PublishMessage,
        decoded: BlockDecoder.DecodedBlock,
        acknowledger: BatchAcknowledger
    ) {
        self.monitorID = monitorID
        self.blockID = message.blockID
        self.announcedCount = message.count
        self.compression = message.compression
        self.format = message.format
        self.document = decoded.document
        self.events = decoded.events
        self.acknowledger = acknowledger
    }

    /// Tells the service the batch is processed (PublishMessageReceived, status 200) on the
    /// connection that delivered it.
    ///
    /// Call it once the events are safely handed on: until then the service keeps the block and,
    /// for a monitor with auto-replay, sends it again after a reconnect (at-least-once delivery).
    /// With acknowledgement mode ``AcknowledgementMode/off`` this does nothing and returns `true`.
    ///
    /// - Returns: `true` when the acknowledgement was written to the socket; `false` when the
    ///   connection that delivered the batch is gone (the service will redeliver the block).
    @discardableResult
    public func acknowledge() async -> Bool {
        await self.acknowledger.acknowledge(blockID: self.blockID)
    }
}

/// Writes acknowledgements on the channel that delivered a batch.
struct BatchAcknowledger: Sendable {
    let channel: (any Channel)?

    /// An acknowledger that does nothing (acknowledgement mode off).
    static let disabled = BatchAcknowledger(channel: nil)

    func acknowledge(blockID: UInt16) async -> Bool {
        guard let channel = self.channel else { return true }
        let message = PushMessage.publishMessageReceived(PublishMessageReceived(blockID: blockID))
        do {
            try await channel.writeAndFlush(message)
            return true
        } catch {
            return false
        }
    }
}
