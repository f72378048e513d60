public import NIOCore

extension ByteBuffer {
    /// A buffer whose readable bytes are `bytes` and end exactly at the end of its allocation.
    ///
    /// `ByteBuffer` rounds its storage up to a power of two, so a read a little past the
    /// readable bytes would normally land in spare capacity that AddressSanitizer considers
    /// valid. Placing the bytes at the very end of the allocation (after padding that the
    /// reader index skips) makes any read past them a heap-buffer-overflow report.
    public static func tailPlaced(_ bytes: UnsafeRawBufferPointer) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: Swift.max(bytes.count, 1))
        let padding = buffer.capacity - bytes.count
        buffer.writeRepeatingByte(0xA5, count: padding)
        buffer.writeBytes(bytes)
        buffer.moveReaderIndex(forwardBy: padding)
        precondition(buffer.writerIndex == buffer.capacity, "the bytes must end the allocation")
        return buffer
    }

    /// As ``tailPlaced(_:)-(UnsafeRawBufferPointer)``, from an array.
    public static func tailPlaced(_ bytes: [UInt8]) -> ByteBuffer {
        bytes.withUnsafeBytes { Self.tailPlaced($0) }
    }
}
