// Fuzzes the HTTP receiver's delivery decoder (content type and encoding, optional zlib, then
// the document scanners) through `@_spi(Fuzzing) DeliveryDecoding`, which runs the receiver's
// internal `DeliveryDecoder` unchanged.
//
// Properties, beyond "does not crash":
// - a refusal is always 400, 413 or 415, and 415 only for a content encoding other than
//   deflate or identity; 413 only for a cap;
// - an accepted body without compression is its own document; the inflated document never
//   exceeds the cap;
// - the format follows the content type, or without one the first non-space byte;
// - the events are exactly those `DocumentDecoder` finds in the document;
// - the input's bytes compressed with zlib and sent as `deflate` decode as the bytes
//   themselves sent uncompressed would (the same events, or a refusal).
import CompressNIO
@_spi(Fuzzing) import DeviceCloudHTTPReceiver
import DeviceCloudProtocol
import FuzzSupport
import NIOCore

let limits = try! PushLimits(maximumDecompressedSize: 8192, maximumEventsPerBatch: 64)  // Constant, valid limits.

let contentTypes: [String?] = [nil, "application/json", "text/xml; charset=utf-8", "application/vnd.x+json", "application/atom+xml", "text/plain", "", " APPLICATION/JSON "]
let contentEncodings: [String?] = [nil, "deflate", "identity", " Deflate ", "gzip", ""]

/// The process's entry point, which SwiftPM names `FuzzDeliveryDecoder_main`: libFuzzer's driver.
@_cdecl("FuzzDeliveryDecoder_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let contentType = contentTypes[Int(data[0] & 0x07)]
    let contentEncoding = contentEncodings[Int(data[0] >> 3) % contentEncodings.count]
    let body = ByteBuffer.tailPlaced(UnsafeRawBufferPointer(start: data + 1, count: size - 1))
    let plain = check(body, contentType: contentType, contentEncoding: contentEncoding)

    if contentEncoding == nil, case .success(let decoded) = plain, decoded.compression == .none {
        var original = body
        do {
            let compressed = try original.compress(with: .zlib())
            let inflated = check(compressed, contentType: contentType, contentEncoding: "deflate")
            switch inflated {
            case .success(let again):
                fuzzCheck(again.document == decoded.document, "the inflated document differs")
                fuzzCheck(again.events == decoded.events, "the compressed body gave other events")
            case .failure(let refusal):
                fuzzCheck(refusal.statusCode == 413 && body.readableBytes > limits.maximumDecompressedSize, "the compressed body was refused: \(refusal.reason)")
            }
        } catch {
            fuzzCheck(false, "zlib could not compress the body: \(error)")
        }
    }
    return 0
}

/// Decodes one delivery and checks the outcome against the request.
func check(_ body: ByteBuffer, contentType: String?, contentEncoding: String?) -> Result<DeliveryDecoding.Decoded, DeliveryDecoding.Refusal> {
    let outcome = DeliveryDecoding.decode(body, contentType: contentType, contentEncoding: contentEncoding, limits: limits)
    let encoding = contentEncoding?.trimmingCharacters(in: " ").lowercased() ?? ""
    let encodingKnown = ["", "identity", "deflate"].contains(encoding)
    switch outcome {
    case .failure(let refusal):
        fuzzCheck([400, 413, 415].contains(refusal.statusCode), "refused with \(refusal.statusCode)")
        fuzzCheck((refusal.statusCode == 415) == !encodingKnown, "\(refusal.statusCode) for content encoding \(String(describing: contentEncoding))")
    case .success(let decoded):
        fuzzCheck(encodingKnown, "accepted content encoding \(String(describing: contentEncoding))")
        fuzzCheck(decoded.document.readableBytes <= limits.maximumDecompressedSize || decoded.compression == .none, "the inflated document passed the cap")
        if decoded.compression == .none {
            fuzzCheck(decoded.document == body, "an uncompressed body changed")
        }
        if let expected = expectedFormat(contentType: contentType, document: decoded.document) {
            fuzzCheck(decoded.format == expected, "format \(decoded.format), expected \(expected)")
        }
        do {
            let events = try DocumentDecoder.events(in: decoded.document, format: decoded.format, limits: limits)
            fuzzCheck(events == decoded.events, "the delivery's events differ from the document's")
        } catch {
            fuzzCheck(false, "the document scanner refuses an accepted delivery: \(error)")
        }
    }
    return outcome
}

/// The format a delivery must have: from the content type, else from the first non-space byte.
func expectedFormat(contentType: String?, document: ByteBuffer) -> PayloadFormat? {
    switch contentType {
    case "application/json", "application/vnd.x+json", " APPLICATION/JSON ": return .json
    case "text/xml; charset=utf-8", "application/atom+xml": return .xml
    default:
        let first = document.readableBytesView.first { ![0x20, 0x09, 0x0D, 0x0A].contains($0) }
        return first == UInt8(ascii: "{") ? .json : first == UInt8(ascii: "<") ? .xml : nil
    }
}

extension String {
    /// The string without leading and trailing characters equal to `character`.
    func trimmingCharacters(in character: Character) -> String {
        String(self.drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
