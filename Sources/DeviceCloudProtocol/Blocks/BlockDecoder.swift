public import NIOCore

/// Turns a ``PublishMessage`` into its document bytes and events: inflate, then scan.
///
/// Holds a zlib stream for reuse, so it is not thread-safe: one per session.
public struct BlockDecoder {
    /// The caps applied while decoding.
    public let limits: PushLimits
    private let inflater: PayloadInflater

    /// Creates a decoder with the given caps.
    public init(limits: PushLimits = .default) throws(DeviceCloudProtocolError) {
        self.limits = limits
        self.inflater = try PayloadInflater()
    }

    /// The inflated document of a block and the events scanned from it.
    public struct DecodedBlock: Sendable {
        /// The uncompressed document (JSON or XML).
        public var document: ByteBuffer
        /// The events, in document order; their bodies are slices of ``document``.
        public var events: [MonitorEvent]
    }

    /// Inflates (when compressed) and scans one block.
    ///
    /// - Throws: ``DeviceCloudProtocolError`` for a corrupt or oversize payload or a malformed document.
    public func decode(_ message: PublishMessage) throws(DeviceCloudProtocolError) -> DecodedBlock {
        let document = try self.inflate(message)
        let events = try DocumentDecoder.events(in: document, format: message.format, limits: self.limits)
        return DecodedBlock(document: document, events: events)
    }

    /// Inflates a block's payload, or returns it as is when it is not compressed.
    public func inflate(_ message: PublishMessage) throws(DeviceCloudProtocolError) -> ByteBuffer {
        switch message.compression {
        case .none:
            return message.payload
        case .zlib:
            return try self.inflater.inflate(message.payload, maximumSize: self.limits.maximumDecompressedSize)
        }
    }
}
