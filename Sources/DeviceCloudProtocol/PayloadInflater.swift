import CompressNIO
public import NIOCore

/// Inflates zlib payloads with a hard cap on the output size.
///
/// The output buffer starts small and doubles, never past the cap, so a "zlib bomb" costs at most
/// the cap in memory before it is refused. One inflater keeps its zlib stream between payloads;
/// it is not thread-safe, so give each session its own.
public final class PayloadInflater {
    private let decompressor: ZlibDecompressor

    /// Creates an inflater for zlib (RFC 1950) streams.
    ///
    /// - Throws: ``PushProtocolError`` when zlib cannot allocate its state.
    public init() throws(PushProtocolError) {
        do {
            self.decompressor = try ZlibDecompressor(algorithm: .zlib)
        } catch {
            throw PushProtocolError(.corruptCompressedPayload, "zlib could not be initialised: \(error)")
        }
    }

    /// Inflates one complete zlib stream.
    ///
    /// - Parameters:
    ///   - payload: the compressed bytes.
    ///   - maximumSize: the largest inflated size accepted.
    /// - Returns: the inflated bytes.
    /// - Throws: ``PushProtocolError`` with `decompressedPayloadTooLarge` past `maximumSize`,
    ///   or `corruptCompressedPayload` for data zlib rejects.
    public func inflate(_ payload: ByteBuffer, maximumSize: Int) throws(PushProtocolError) -> ByteBuffer {
        guard payload.readableBytes > 0 else {
            throw PushProtocolError(.corruptCompressedPayload, "empty zlib payload")
        }
        var input = payload
        var output = ByteBuffer()
        var capacity = min(max(payload.readableBytes * 16, 16 << 10), maximumSize)
        output.reserveCapacity(capacity)
        do {
            try self.decompressor.reset()
        } catch {
            throw PushProtocolError(.corruptCompressedPayload, "zlib could not be reset: \(error)")
        }
        while true {
            do {
                try self.decompressor.inflate(from: &input, to: &output)
                // A normal return means either the stream ended or the input ran out first; a second
                // call with nothing new tells them apart (zlib repeats "stream end", or has no progress to make).
                try self.decompressor.inflate(from: &input, to: &output)
                return output
            } catch let error as CompressNIOError where error == .bufferOverflow {
                guard capacity < maximumSize else {
                    throw PushProtocolError(
                        .decompressedPayloadTooLarge,
                        "a \(payload.readableBytes)-byte payload inflates past the \(maximumSize)-byte limit"
                    )
                }
                capacity = min(capacity * 2, maximumSize)
                output.reserveCapacity(capacity)
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                throw PushProtocolError(.corruptCompressedPayload, "the zlib stream ends early")
            } catch {
                throw PushProtocolError(.corruptCompressedPayload, "zlib rejected the payload: \(error)")
            }
        }
    }
}
