import CompressNIO
public import NIOCore

/// Builds ``PublishMessage``s the way the service does: write the document, then deflate it.
///
/// The inverse of ``BlockDecoder``; used by the simulator, tests and benchmarks.
public enum BlockEncoder {
    /// A block holding `events` in `format`, compressed as asked.
    public static func publishMessage(
        blockID: UInt16,
        events: [DocumentWriter.Event],
        format: PayloadFormat,
        compression: PayloadCompression
    ) throws -> PublishMessage {
        let document = DocumentWriter.document(events, format: format)
        return try self.publishMessage(
            blockID: blockID,
            count: UInt16(clamping: events.count),
            document: document,
            format: format,
            compression: compression
        )
    }

    /// A block carrying an already written document.
    public static func publishMessage(
        blockID: UInt16,
        count: UInt16,
        document: ByteBuffer,
        format: PayloadFormat,
        compression: PayloadCompression
    ) throws -> PublishMessage {
        let payload: ByteBuffer
        switch compression {
        case .none:
            payload = document
        case .zlib:
            payload = try self.deflate(document)
        }
        return PublishMessage(blockID: blockID, count: count, compression: compression, format: format, payload: payload)
    }

    /// Deflates bytes into a zlib stream.
    public static func deflate(_ bytes: ByteBuffer) throws -> ByteBuffer {
        var input = bytes
        return try input.compress(with: .zlib())
    }
}
