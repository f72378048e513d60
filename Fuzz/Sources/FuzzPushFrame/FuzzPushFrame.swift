// Fuzzes PushFrameDecoder, the TCP push protocol's framing, through its public API.
//
// Properties, beyond "does not crash":
// - the stream decodes to the same messages and the same final error whether it arrives whole
//   or split in two at a point chosen by the input (framing must not depend on reads);
// - every frame consumes at least its 6-byte header and never more than is buffered, and a
//   payload is never longer than the frame that carries it;
// - a decoded message re-encoded and decoded again is the same message (round trip).
import DeviceCloudProtocol
import FuzzSupport
import NIOCore

/// The process's entry point, which SwiftPM names `FuzzPushFrame_main`: libFuzzer's driver.
@_cdecl("FuzzPushFrame_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    for short in [false, true] {
        let whole = decodeAll([input], acceptsShortAcknowledgement: short)
        let split = size == 0 ? 0 : Int(input[0]) % (size + 1)
        let pieces = decodeAll([Array(input[..<split]), Array(input[split...])], acceptsShortAcknowledgement: short)
        fuzzCheck(whole.messages == pieces.messages, "split at \(split) changed the messages (short: \(short))")
        fuzzCheck(whole.failure == pieces.failure, "split at \(split) changed the error: \(String(describing: whole.failure)) vs \(String(describing: pieces.failure))")
        for message in whole.messages {
            checkRoundTrip(message)
        }
    }
    return 0
}

/// What a stream decodes to: its messages, then the code of the error that ended it, if any.
struct Decoded {
    var messages: [PushMessage] = []
    var failure: DeviceCloudProtocolError.Code?
}

/// Feeds `chunks` to one decoder as a channel would, then signals the end of the stream.
func decodeAll(_ chunks: [[UInt8]], acceptsShortAcknowledgement: Bool) -> Decoded {
    let limits = try! PushLimits(maximumFrameLength: 1 << 16)  // Constant, valid limits.
    var decoder = PushFrameDecoder(limits: limits, acceptsShortAcknowledgement: acceptsShortAcknowledgement)
    var result = Decoded()
    var buffer = ByteBuffer()
    do {
        for (index, chunk) in chunks.enumerated() {
            buffer.writeBytes(chunk)
            let last = index == chunks.count - 1
            while true {
                let before = buffer.readableBytes
                let message = last ? try decoder.decodeLast(buffer: &buffer, seenEOF: true) : try decoder.decode(buffer: &buffer)
                guard let message else { break }
                let consumed = before - buffer.readableBytes
                fuzzCheck(consumed >= PushFrameDecoder.headerLength && consumed <= before, "a frame consumed \(consumed) of \(before) bytes")
                if case .publishMessage(let publish) = message {
                    fuzzCheck(publish.payload.readableBytes <= consumed - 16, "a payload of \(publish.payload.readableBytes) bytes in a \(consumed)-byte frame")
                }
                result.messages.append(message)
            }
        }
    } catch let error as DeviceCloudProtocolError {
        result.failure = error.code
    } catch {
        fuzzCheck(false, "the decoder threw a \(type(of: error)), not a DeviceCloudProtocolError")
    }
    return result
}

/// Encodes `message` and decodes it again; both forms of acknowledgement.
func checkRoundTrip(_ message: PushMessage) {
    var frame = ByteBuffer()
    do {
        try PushFrameEncoder.write(message, into: &frame)
    } catch {
        if case .connectRequest(let request) = message {
            // Invalid UTF-8 read from the wire became U+FFFD (3 bytes): it may no longer fit.
            fuzzCheck(request.username.utf8.count > 65_535 || request.password.utf8.count > 65_535, "cannot re-encode \(message)")
            return
        }
        fuzzCheck(false, "cannot re-encode \(message): \(error)")
        return
    }
    let again = decodeAll([Array(frame.readableBytesView)], acceptsShortAcknowledgement: false)
    fuzzCheck(again.failure == nil && again.messages == [message], "round trip of \(message) gave \(again.messages), \(String(describing: again.failure))")
    // The short form of block 0 with status 4 reads as a documented header declaring 4 bytes:
    // the wire cannot tell them apart, and the decoder takes the documented form, as it should.
    if case .publishMessageReceived(let received) = message, !(received.blockID == 0 && received.status == 4) {
        var short = ByteBuffer()
        try! PushFrameEncoder.write(message, into: &short, acknowledgementForm: .short)  // Cannot throw for an acknowledgement.
        let shortAgain = decodeAll([Array(short.readableBytesView)], acceptsShortAcknowledgement: true)
        fuzzCheck(shortAgain.failure == nil && shortAgain.messages == [message], "short round trip of \(message)")
    }
}
