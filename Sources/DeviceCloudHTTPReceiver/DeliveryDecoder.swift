import DeviceCloudProtocol
import Hummingbird
import NIOCore

/// A delivery's body, inflated and split into events.
struct DecodedDelivery: Sendable {
    /// The uncompressed document.
    var document: ByteBuffer
    /// The events, in document order; empty for a keep-alive.
    var events: [MonitorEvent]
    /// The document format, from `Content-Type` or the first byte.
    var format: PayloadFormat
    /// Whether the body was a zlib stream.
    var compression: PayloadCompression
}

/// Why a delivery's body was refused: the status to answer and a reason for the log (never
/// the body's content beyond what the decoders report, never credentials).
struct DeliveryRejection: Error, Sendable {
    var status: HTTPResponse.Status
    var reason: String
}

/// Turns an HTTP delivery's body into its events with the decoders of the TCP path.
///
/// Compression: a body is inflated when `Content-Encoding` says `deflate` (HTTP's name for a
/// zlib stream), or when it starts with a zlib header (the service, and the simulator, send
/// none: a document never starts with one, as `{`, `<` and white space are not valid first
/// bytes of a zlib stream). Format: `Content-Type` `application/json`, `text/json` or `…+json`
/// means JSON, `application/xml`, `text/xml` or `…+xml` means XML; otherwise the first
/// non-space byte of the document decides (`{` JSON, `<` XML).
enum DeliveryDecoder {
    static func decode(
        _ body: ByteBuffer,
        contentType: String?,
        contentEncoding: String?,
        limits: PushLimits
    ) throws(DeliveryRejection) -> DecodedDelivery {
        let compression = try Self.compression(of: body, contentEncoding: contentEncoding)
        let document: ByteBuffer
        switch compression {
        case .none:
            document = body
        case .zlib:
            do {
                document = try PayloadInflater().inflate(body, maximumSize: limits.maximumDecompressedSize)
            } catch {
                throw Self.rejection(error)
            }
        }
        guard let format = Self.format(of: document, contentType: contentType) else {
            throw DeliveryRejection(status: .badRequest, reason: "the body is neither a JSON nor an XML document")
        }
        do {
            let events = try DocumentDecoder.events(in: document, format: format, limits: limits)
            return DecodedDelivery(document: document, events: events, format: format, compression: compression)
        } catch {
            throw Self.rejection(error)
        }
    }

    private static func rejection(_ error: DeviceCloudProtocolError) -> DeliveryRejection {
        let status: HTTPResponse.Status =
            error.code == .decompressedPayloadTooLarge || error.code == .tooManyEvents ? .contentTooLarge : .badRequest
        return DeliveryRejection(status: status, reason: "\(error.code): \(error.message)")
    }

    static func compression(of body: ByteBuffer, contentEncoding: String?) throws(DeliveryRejection) -> PayloadCompression {
        let encoding = contentEncoding?.trimmingASCIISpaces().lowercased() ?? ""
        switch encoding {
        case "deflate":
            return .zlib
        case "", "identity":
            return Self.startsWithZlibHeader(body) ? .zlib : .none
        default:
            throw DeliveryRejection(status: .unsupportedMediaType, reason: "unsupported content encoding")
        }
    }

    /// RFC 1950: method 8 (deflate), a window of at most 32 KiB, and a check value making the
    /// first two bytes a multiple of 31.
    static func startsWithZlibHeader(_ body: ByteBuffer) -> Bool {
        guard let cmf = body.getInteger(at: body.readerIndex, as: UInt8.self),
            let flg = body.getInteger(at: body.readerIndex + 1, as: UInt8.self)
        else { return false }
        return cmf & 0x0F == 8 && cmf >> 4 <= 7 && (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0
    }

    static func format(of document: ByteBuffer, contentType: String?) -> PayloadFormat? {
        if let contentType {
            let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { String($0).trimmingASCIISpaces().lowercased() } ?? ""
            if mediaType == "application/json" || mediaType == "text/json" || mediaType.hasSuffix("+json") { return .json }
            if mediaType == "application/xml" || mediaType == "text/xml" || mediaType.hasSuffix("+xml") { return .xml }
        }
        for byte in document.readableBytesView {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                continue
            case UInt8(ascii: "{"):
                return .json
            case UInt8(ascii: "<"):
                return .xml
            default:
                return nil
            }
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate func trimmingASCIISpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isSpace($0) }), let last = self.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
