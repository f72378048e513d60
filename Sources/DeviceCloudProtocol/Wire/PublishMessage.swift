public import NIOCore

/// A block of events pushed by the service.
public struct PublishMessage: Sendable, Hashable {
    /// The block's id, to be acknowledged with ``PublishMessageReceived``; wraps at 65535.
    public var blockID: UInt16
    /// How many events the block holds, as announced by the service.
    public var count: UInt16
    /// How ``payload`` is compressed.
    public var compression: PayloadCompression
    /// The document format of the (inflated) payload.
    public var format: PayloadFormat
    /// The payload bytes exactly as received (still compressed when ``compression`` is zlib).
    public var payload: ByteBuffer

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates a publish message.
    public init(
        blockID: UInt16,
        count: UInt16,
        compression: PayloadCompression,
        format: PayloadFormat,
        payload: ByteBuffer
    ) {
        self.blockID = blockID
        self.count = count
        self.compression = compression
        self.format = format
        self.payload = payload
    }
}
