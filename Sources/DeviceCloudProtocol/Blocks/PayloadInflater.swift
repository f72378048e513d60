import CompressNIO
public import NIOCore

/// Inflates zlib payloads with a hard cap on the output size.
///
/// The output never holds more than the cap: a stream that would inflate past it is refused
/// with a typed error as soon as it does. The first reservation is bounded by a small constant
/// (256 KiB), not by the input's size, so a stream of empty blocks costs no large allocation;
/// it starts from the size of the previous block, which is usually the size of the next one.
/// One inflater keeps its zlib stream between payloads; it is not thread-safe, so give each
/// session its own.
public final class PayloadInflater {
    /// The largest first reservation, whatever the input or the previous block.
    public static let maximumInitialReservation = 256 << 10

    private let decompressor: ZlibDecompressor
    /// The size of the last inflated payload: the best guess for the next.
    private var lastSize = 16 << 10

    /// Creates an inflater for zlib (RFC 1950) streams.
    ///
    /// - Throws: ``DeviceCloudProtocolError`` when zlib cannot allocate its state.
    public init() throws(DeviceCloudProtocolError) {
        do {
            self.decompressor = try ZlibDecompressor(algorithm: .zlib)
        } catch {
            throw DeviceCloudProtocolError(.corruptCompressedPayload, "zlib could not be initialised: \(error)")
        }
    }

    /// Inflates one complete zlib stream.
    ///
    /// - Parameters:
    ///   - payload: the compressed bytes.
    ///   - maximumSize: the largest inflated size accepted.
    /// - Returns: the inflated bytes, at most `maximumSize` of them.
    /// - Throws: ``DeviceCloudProtocolError`` with `decompressedPayloadTooLarge` past `maximumSize`,
    ///   or `corruptCompressedPayload` for data zlib rejects.
    public func inflate(_ payload: ByteBuffer, maximumSize: Int) throws(DeviceCloudProtocolError) -> ByteBuffer {
        guard payload.readableBytes > 0 else {
            throw DeviceCloudProtocolError(.corruptCompressedPayload, "empty zlib payload")
        }
        var input = payload
        var output = ByteBuffer()
        output.reserveCapacity(min(self.lastSize, Self.maximumInitialReservation, maximumSize))
        do {
            try self.decompressor.reset()
        } catch {
            throw DeviceCloudProtocolError(.corruptCompressedPayload, "zlib could not be reset: \(error)")
        }
        while true {
            do {
                // ByteBuffer rounds capacities up to a power of two, so zlib may be offered room
                // past the cap: the size is checked after every call, not trusted to the buffer.
                try self.decompressor.inflate(from: &input, to: &output)
                guard output.readableBytes <= maximumSize else { throw self.tooLarge(payload, maximumSize) }
                // A normal return means either the stream ended or the input ran out first; a second
                // call with nothing new tells them apart (zlib repeats "stream end", or has no progress to make).
                try self.decompressor.inflate(from: &input, to: &output)
                guard output.readableBytes <= maximumSize else { throw self.tooLarge(payload, maximumSize) }
                self.lastSize = max(output.readableBytes, 1 << 10)
                return output
            } catch let error as DeviceCloudProtocolError {
                throw error
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // The buffer is full and zlib has more: grow, up to the cap.
                guard output.readableBytes < maximumSize else { throw self.tooLarge(payload, maximumSize) }
                output.reserveCapacity(min(output.capacity * 2, maximumSize))
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                throw DeviceCloudProtocolError(.corruptCompressedPayload, "the zlib stream ends early")
            } catch {
                throw DeviceCloudProtocolError(.corruptCompressedPayload, "zlib rejected the payload: \(error)")
            }
        }
    }

    private func tooLarge(_ payload: ByteBuffer, _ maximumSize: Int) -> DeviceCloudProtocolError {
        DeviceCloudProtocolError(
            .decompressedPayloadTooLarge,
            "a \(payload.readableBytes)-byte payload inflates past the \(maximumSize)-byte limit"
        )
    }
}
