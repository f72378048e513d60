public import NIOCore

/// One block of events delivered by a monitor, with the means to acknowledge it.
///
/// The push session (TCP monitors) and the HTTP receiver (HTTP monitors) both hand out batches,
/// so one consumer loop serves either transport. It lives in the protocol layer so that a
/// program that only receives HTTP monitors does not build the push/REST client.
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
    /// Why the block could not be decoded, for a push session whose `undecodableBlocks` policy
    /// is `.deliver`; `nil` for every decoded batch.
    ///
    /// Such a batch has no ``events``; its ``document`` holds the inflated payload, or the payload
    /// as received when inflating it was what failed. Acknowledging it skips the block for good.
    public let decodingError: DeviceCloudProtocolError?

    let acknowledger: BatchAcknowledger

    /// A batch read from a push connection (the push session builds these).
    package init(
        monitorID: UInt32,
        message: PublishMessage,
        document: ByteBuffer,
        events: [MonitorEvent],
        decodingError: DeviceCloudProtocolError?,
        acknowledger: BatchAcknowledger
    ) {
        self.monitorID = monitorID
        self.blockID = message.blockID
        self.announcedCount = message.count
        self.compression = message.compression
        self.format = message.format
        self.document = document
        self.events = events
        self.decodingError = decodingError
        self.acknowledger = acknowledger
    }

    /// Creates a batch that arrived by another transport than a push connection, such as an
    /// HTTP monitor's delivery, so that its consumers use the same loop as for TCP monitors.
    ///
    /// ``announcedCount`` is the number of events, capped at `UInt16.max`.
    ///
    /// - Parameters:
    ///   - monitorID: The monitor that delivered the batch (0 when the transport does not say).
    ///   - blockID: The block id, or a sequence number the transport assigns.
    ///   - compression: How the block travelled.
    ///   - format: The document format.
    ///   - document: The whole uncompressed document.
    ///   - events: The events in delivery order.
    ///   - acknowledgement: Called by ``acknowledge()``; it returns whether the sender learned
    ///     that the batch is delivered. `nil` means acknowledgement mode ``AcknowledgementMode/off``:
    ///     ``acknowledge()`` then does nothing and returns `true`.
    public init(
        monitorID: UInt32,
        blockID: UInt16,
        compression: PayloadCompression,
        format: PayloadFormat,
        document: ByteBuffer,
        events: [MonitorEvent],
        acknowledgement: (@Sendable () async -> Bool)?
    ) {
        self.monitorID = monitorID
        self.blockID = blockID
        self.announcedCount = UInt16(clamping: events.count)
        self.compression = compression
        self.format = format
        self.document = document
        self.events = events
        self.decodingError = nil
        self.acknowledger = acknowledgement.map { .callback($0) } ?? .disabled
    }

    /// Tells the service the batch is processed (PublishMessageReceived, status 200) on the
    /// connection that delivered it.
    ///
    /// Call it once the events are safely handed on: until then the service keeps the block and,
    /// for a monitor with auto-replay, sends it again after a reconnect (at-least-once delivery).
    /// With acknowledgement mode ``AcknowledgementMode/off`` this does nothing and returns `true`.
    /// A batch of another transport (see ``init(monitorID:blockID:compression:format:document:events:acknowledgement:)``)
    /// calls its acknowledgement callback instead, e.g. to answer an HTTP delivery with 200.
    ///
    /// The acknowledgement is queued on the connection and written with any others made meanwhile
    /// (one flush for many), so acknowledging costs the consumer no round trip to the socket.
    ///
    /// - Returns: `true` when the acknowledgement was queued on the live connection (or the
    ///   callback succeeded); `false` when the connection that delivered the batch is gone (the
    ///   service will redeliver the block).
    @discardableResult
    public func acknowledge() async -> Bool {
        await self.acknowledger.acknowledge(blockID: self.blockID)
    }
}

/// Where a batch's acknowledgement goes.
package enum BatchAcknowledger: Sendable {
    /// Acknowledgement mode off: nothing to send.
    case disabled
    /// PublishMessageReceived on the push connection that delivered the batch.
    case push(any BlockAcknowledging)
    /// Another transport's acknowledgement, e.g. answering an HTTP delivery.
    case callback(@Sendable () async -> Bool)

    func acknowledge(blockID: UInt16) async -> Bool {
        switch self {
        case .disabled: true
        case .push(let connection): connection.acknowledge(blockID: blockID)
        case .callback(let callback): await callback()
        }
    }
}

/// A push connection's queue of acknowledgements (PublishMessageReceived).
package protocol BlockAcknowledging: Sendable {
    /// Queues the acknowledgement of `blockID`; `false` when the connection is already closed.
    func acknowledge(blockID: UInt16) -> Bool
}
