import DeviceCloudProtocol
import NIOCore
import NIOTestUtils
import Testing

@Suite("Push frame codec")
struct PushFrameCodecTests {
    private func decodeAll(_ bytes: ByteBuffer, decoder: PushFrameDecoder = PushFrameDecoder()) throws -> [PushMessage] {
        var decoder = decoder
        var buffer = bytes
        var messages: [PushMessage] = []
        while let message = try decoder.decode(buffer: &buffer) {
            messages.append(message)
        }
        if let last = try decoder.decodeLast(buffer: &buffer, seenEOF: true) {
            messages.append(last)
        }
        return messages
    }

    private func encode(_ message: PushMessage, form: PushFrameEncoder.AcknowledgementForm = .documented) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try PushFrameEncoder.write(message, into: &buffer, acknowledgementForm: form)
        return buffer
    }

    // PROTOCOL.md section 6, vectors 1–6.
    static let vectors: [(String, PushMessage)] = [
        (
            "0001 00000013 0001 0005 7065707369 0004 636f6c61 00000104",
            .connectRequest(ConnectRequest(username: "pepsi", password: "cola", monitorID: 0x104))
        ),
        ("0002 00000004 00c8 0001", .connectResponse(ConnectResponse(status: 200, version: 1))),
        ("0002 00000004 0193 0001", .connectResponse(ConnectResponse(status: 403, version: 1))),
        ("0004 00000004 01a7 00c8", .publishMessageReceived(PublishMessageReceived(blockID: 0x01a7, status: 200))),
    ]

    @Test("spec vectors decode and encode bit for bit", arguments: 0..<4)
    func specVectors(index: Int) throws {
        let (text, message) = Self.vectors[index]
        #expect(try self.decodeAll(hex(text)) == [message])
        #expect(try self.encode(message) == hex(text))
    }

    @Test("the reference client's short acknowledgement is accepted by a server decoder")
    func shortAcknowledgement() throws {
        let short = hex("0004 01a7 00c8")
        let decoder = PushFrameDecoder(acceptsShortAcknowledgement: true)
        #expect(try self.decodeAll(short, decoder: decoder) == [.publishMessageReceived(.init(blockID: 0x01a7, status: 200))])
        #expect(try self.encode(.publishMessageReceived(.init(blockID: 0x01a7)), form: .short) == short)
        // Both forms interleaved in one stream.
        var mixed = hex("0004 00000004 0001 00c8")
        mixed.writeImmutableBuffer(short)
        mixed.writeImmutableBuffer(hex("0004 00000004 0002 00c8"))
        #expect(try self.decodeAll(mixed, decoder: decoder).count == 3)
    }

    @Test("publish message prefix of vector 6")
    func publishPrefix() throws {
        var frame = hex("0003 0000020f 01a7 0002 00 00 00000205")
        frame.writeRepeatingByte(UInt8(ascii: "x"), count: 0x205)
        let messages = try self.decodeAll(frame)
        guard case .publishMessage(let publish)? = messages.first else {
            Issue.record("expected a publish message")
            return
        }
        #expect(publish.blockID == 0x01a7)
        #expect(publish.count == 2)
        #expect(publish.compression == .none)
        #expect(publish.format == .xml)
        #expect(publish.payload.readableBytes == 0x205)
        #expect(try self.encode(.publishMessage(publish)) == frame)
    }

    @Test("captured ConnectRequest and ConnectResponse round-trip bit for bit")
    func capturedHandshake() throws {
        // The 30-byte capture is a 29-byte frame (header length 23 = 2+2+6+2+7+4) followed by a
        // stray 0x0a, a newline saved with the file. Framing by the header gives monitor
        // 0x00000186 (390); reading the last four bytes instead (0x0001860a) would need a frame
        // one byte longer than the header says.
        var capture = try fixture("connect-request.bin")
        #expect(capture.readableBytes == 30)
        let expected = ConnectRequest(username: "jfocht", password: "digidev", monitorID: 390)
        var decoder = PushFrameDecoder()
        #expect(try decoder.decode(buffer: &capture) == .connectRequest(expected))
        #expect(capture.readableBytesView.elementsEqual([0x0a]))
        let error = #expect(throws: DeviceCloudProtocolError.self) { try decoder.decodeLast(buffer: &capture, seenEOF: true) }
        #expect(error?.code == .truncatedStream)
        let frame = try fixture("connect-request.bin").getSlice(at: 0, length: 29)
        #expect(try self.encode(.connectRequest(expected)) == frame)

        let response = try fixture("connect-response.bin")
        #expect(try self.decodeAll(response) == [.connectResponse(ConnectResponse(status: 200, version: 1))])
        #expect(try self.encode(.connectResponse(ConnectResponse(status: 200, version: 1))) == response)
    }

    @Test("captured PublishMessages: two frames, blocks 0 and 1, length = 10 + payloadSize")
    func capturedPublishMessages() throws {
        let bytes = try fixture("publish-message.bin")
        let messages = try self.decodeAll(bytes)
        #expect(messages.count == 2)
        var reencoded = ByteBuffer()
        for (index, message) in messages.enumerated() {
            guard case .publishMessage(let publish) = message else {
                Issue.record("frame \(index) is not a publish message")
                continue
            }
            #expect(publish.blockID == UInt16(index))
            #expect(publish.count == 1)
            #expect(publish.compression == .none)
            #expect(publish.format == .json)
            #expect(publish.payload.readableBytes == 508)
            try PushFrameEncoder.write(message, into: &reencoded)
        }
        #expect(reencoded == bytes)
    }

    @Test("framing survives every split: byte by byte, whole, message by message")
    func verifier() throws {
        let publish = try fixture("publish-message.bin")
        let publishMessages = try self.decodeAll(publish)
        var all = try fixture("connect-response.bin")
        var expected = try self.decodeAll(all)
        all.writeImmutableBuffer(publish)
        expected += publishMessages
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(all, expected)],
            decoderFactory: { PushFrameDecoder() }
        )
    }

    @Test("an unknown message type is a typed error")
    func unknownType() {
        #expect(throws: DeviceCloudProtocolError.self) { try self.decodeAll(hex("0009 00000000")) }
        do {
            _ = try self.decodeAll(hex("0009 00000000"))
        } catch let error as DeviceCloudProtocolError {
            #expect(error.code == .unknownMessageType)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("an oversize declared length fails from the header alone")
    func oversizeLength() throws {
        var decoder = PushFrameDecoder(limits: try PushLimits(maximumFrameLength: 1 << 20))
        var header = hex("0003 ffffffff")
        let error = #expect(throws: DeviceCloudProtocolError.self) { try decoder.decode(buffer: &header) }
        #expect(error?.code == .frameTooLarge)
    }

    @Test("payloadSize larger than its frame is malformed; extra trailing bytes are ignored")
    func payloadSizeChecks() throws {
        let tooLarge = hex("0003 0000000c 0001 0001 00 01 00000005 7b7d")
        let error = #expect(throws: DeviceCloudProtocolError.self) { try self.decodeAll(tooLarge) }
        #expect(error?.code == .malformedFrame)

        let trailing = hex("0003 00000010 0001 0001 00 01 00000002 7b7d aabbccdd")
        guard case .publishMessage(let publish)? = try self.decodeAll(trailing).first else {
            Issue.record("expected a publish message")
            return
        }
        #expect(publish.payload == hex("7b7d"))
    }

    @Test("unknown compression and format bytes are typed errors")
    func unknownCompressionAndFormat() {
        let compression = #expect(throws: DeviceCloudProtocolError.self) {
            try self.decodeAll(hex("0003 0000000a 0001 0001 07 01 00000000"))
        }
        #expect(compression?.code == .unknownCompression)
        let format = #expect(throws: DeviceCloudProtocolError.self) {
            try self.decodeAll(hex("0003 0000000a 0001 0001 00 05 00000000"))
        }
        #expect(format?.code == .unknownFormat)
    }

    @Test("a stream that ends inside a frame is truncated")
    func truncatedAtClose() {
        let error = #expect(throws: DeviceCloudProtocolError.self) { try self.decodeAll(hex("0002 00000004 00c8")) }
        #expect(error?.code == .truncatedStream)
    }

    @Test("fields that do not fit their frame are malformed")
    func shortFields() {
        let error = #expect(throws: DeviceCloudProtocolError.self) { try self.decodeAll(hex("0001 00000004 0001 0009")) }
        #expect(error?.code == .malformedFrame)
    }

    @Test("ConnectRequest never prints its password")
    func redactedDescription() {
        let request = ConnectRequest(username: "pepsi", password: "cola-secret", monitorID: 1)
        #expect(!String(describing: request).contains("cola-secret"))
        #expect(!String(describing: PushMessage.connectRequest(request)).contains("cola-secret"))
    }
}
