public import DeviceCloudProtocol
public import NIOCore

/// The delivery decoder's entry point for the fuzz targets, outside the public API.
///
/// Import with `@_spi(Fuzzing) import DeviceCloudHTTPReceiver`. It runs exactly the decoder the
/// receiver runs on a delivery's body and reports its outcome as plain values.
@_spi(Fuzzing)
public enum DeliveryDecoding {
    /// A decoded delivery: the uncompressed document, its events, format and compression.
    public struct Decoded {
        /// The uncompressed document.
        public var document: ByteBuffer
        /// The events, in document order.
        public var events: [MonitorEvent]
        /// The document's format.
        public var format: PayloadFormat
        /// Whether the body was a zlib stream.
        public var compression: PayloadCompression
    }

    /// A refused delivery: the HTTP status code the receiver answers and the reason it logs.
    public struct Refusal: Error {
        /// The status code, e.g. 400.
        public var statusCode: Int
        /// The reason for the log.
        public var reason: String
    }

    /// Decodes a delivery's body as the receiver does.
    public static func decode(
        _ body: ByteBuffer,
        contentType: String?,
        contentEncoding: String?,
        limits: PushLimits
    ) -> Result<Decoded, Refusal> {
        do {
            let decoded = try DeliveryDecoder.decode(
                body,
                contentType: contentType,
                contentEncoding: contentEncoding,
                limits: limits
            )
            return .success(
                Decoded(
                    document: decoded.document,
                    events: decoded.events,
                    format: decoded.format,
                    compression: decoded.compression
                )
            )
        } catch {
            return .failure(Refusal(statusCode: Int(error.status.code), reason: error.reason))
        }
    }
}
