// Fuzzes BlockDecoder with its PayloadInflater through the public API: a PublishMessage whose
// compression, format and payload come from the input.
//
// Properties, beyond "does not crash":
// - an inflated document never exceeds the cap, and the limit on events holds;
// - every event's body is a slice of the document, within its bytes;
// - the input's bytes compressed with zlib inflate back to exactly those bytes when they fit
//   the cap, and fail with `decompressedPayloadTooLarge` when they do not;
// - one decoder keeps working after any failure: a known block decoded next gives its event;
// - the resource decoders (`MonitorEvent.decode`) may refuse a body but never crash.
import CompressNIO
import DeviceCloudProtocol
import FuzzSupport
import NIOCore

/// Small caps, so that the cap paths are reached by small inputs.
let limits = try! PushLimits(maximumDecompressedSize: 4096 + 17, maximumEventsPerBatch: 64)  // Constant, valid limits.

/// A block known to hold one DataPoint event, compressed, to decode after each fuzzed block.
let knownDocument = #"{"Document":{"Msg":{"topic":"DataPoint/x","operation":"INSERTION","DataPoint":{"streamId":"x"}}}}"#

/// The process's entry point, which SwiftPM names `FuzzBlockDecoder_main`: libFuzzer's driver.
@_cdecl("FuzzBlockDecoder_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let payload = ByteBuffer.tailPlaced(UnsafeRawBufferPointer(start: data + 1, count: size - 1))
    let compression: PayloadCompression = selector & 1 == 0 ? .none : .zlib
    let format: PayloadFormat = selector & 2 == 0 ? .json : .xml
    let decoder: BlockDecoder
    do {
        decoder = try BlockDecoder(limits: limits)
    } catch {
        fuzzCheck(false, "no decoder: \(error)")
        return 0
    }

    if selector & 4 == 0 {
        checkBlock(decoder, PublishMessage(blockID: 1, count: 1, compression: compression, format: format, payload: payload))
    } else {
        checkInflateRoundTrip(decoder, payload)
    }
    checkKnownBlock(decoder)
    return 0
}

/// Decodes a fuzzed block and checks what it returns.
func checkBlock(_ decoder: BlockDecoder, _ message: PublishMessage) {
    let decoded: BlockDecoder.DecodedBlock
    do {
        decoded = try decoder.decode(message)
    } catch {
        return
    }
    fuzzCheck(decoded.document.readableBytes <= limits.maximumDecompressedSize, "a \(decoded.document.readableBytes)-byte document passed the cap")
    fuzzCheck(decoded.events.count <= limits.maximumEventsPerBatch, "\(decoded.events.count) events passed the limit")
    if message.compression == .none {
        fuzzCheck(decoded.document == message.payload, "an uncompressed payload changed")
    }
    let documentBytes = decoded.document.readableBytes
    for event in decoded.events {
        fuzzCheck(event.body.readableBytes <= documentBytes, "an event body of \(event.body.readableBytes) bytes in a \(documentBytes)-byte document")
        fuzzCheck(event.format == message.format, "an event of the wrong format")
        fuzzCheck(decoded.document.readableBytesView.firstRange(of: event.body.readableBytesView) != nil, "an event body that is not in the document")
        _ = try? event.decode(DataPoint.self)
        _ = try? event.decode(DeviceCore.self)
        _ = try? event.decode(FileData.self)
        _ = event.bodyString
    }
}

/// Compresses `bytes` and checks that the inflater gives them back, or refuses past the cap.
func checkInflateRoundTrip(_ decoder: BlockDecoder, _ bytes: ByteBuffer) {
    var original = bytes
    let compressed: ByteBuffer
    do {
        compressed = try original.compress(with: .zlib())
    } catch {
        fuzzCheck(false, "zlib could not compress \(bytes.readableBytes) bytes: \(error)")
        return
    }
    let message = PublishMessage(blockID: 2, count: 0, compression: .zlib, format: .json, payload: compressed)
    do {
        let inflated = try decoder.inflate(message)
        fuzzCheck(bytes.readableBytes <= limits.maximumDecompressedSize, "\(bytes.readableBytes) bytes inflated past the cap")
        fuzzCheck(inflated == bytes, "the inflated bytes differ from the compressed ones")
    } catch {
        fuzzCheck(
            error.code == .decompressedPayloadTooLarge && bytes.readableBytes > limits.maximumDecompressedSize,
            "a valid \(bytes.readableBytes)-byte stream was refused: \(error)"
        )
    }
}

/// Decodes the known block with the same decoder: any earlier failure must not leak into it.
func checkKnownBlock(_ decoder: BlockDecoder) {
    var document = ByteBuffer(string: knownDocument)
    do {
        let payload = try document.compress(with: .zlib())
        let block = try decoder.decode(PublishMessage(blockID: 3, count: 1, compression: .zlib, format: .json, payload: payload))
        fuzzCheck(block.events.count == 1 && block.events[0].topic == "DataPoint/x", "the known block decoded to \(block.events)")
    } catch {
        fuzzCheck(false, "the known block failed after a fuzzed one: \(error)")
    }
}
