import CompressNIO
import DeviceCloudProtocol
import NIOCore
import Testing

@Suite("zlib payloads")
struct PayloadInflaterTests {
    private func deflate(_ bytes: ByteBuffer) throws -> ByteBuffer {
        var input = bytes
        return try input.compress(with: .zlib())
    }

    @Test("a zlib payload inflates to the original bytes")
    func roundTrip() throws {
        let original = ByteBuffer(string: String(repeating: "{\"Document\":{\"Msg\":[]}} ", count: 2_000))
        let inflated = try PayloadInflater().inflate(try self.deflate(original), maximumSize: 1 << 20)
        #expect(inflated == original)
    }

    @Test("one inflater serves many payloads in turn")
    func reuse() throws {
        let inflater = try PayloadInflater()
        for size in [1, 100, 70_000, 3] {
            let original = ByteBuffer(repeating: UInt8(size % 251), count: size)
            #expect(try inflater.inflate(try self.deflate(original), maximumSize: 1 << 20) == original)
        }
    }

    @Test("a zlib bomb stops at the cap with a typed error")
    func bomb() throws {
        let bomb = try self.deflate(ByteBuffer(repeating: 0, count: 64 << 20))
        #expect(bomb.readableBytes < 100_000)
        let error = #expect(throws: DeviceCloudProtocolError.self) {
            try PayloadInflater().inflate(bomb, maximumSize: 1 << 20)
        }
        #expect(error?.code == .decompressedPayloadTooLarge)
    }

    @Test("the cap is exact even when it is not a power of two: one byte over is refused")
    func exactCap() throws {
        let cap = (3 << 20) + 1
        let inflater = try PayloadInflater()
        let atCap = ByteBuffer(repeating: 7, count: cap)
        #expect(try inflater.inflate(try self.deflate(atCap), maximumSize: cap).readableBytes == cap)
        for size in [cap + 1, (3 << 20) + (1 << 19)] {
            let error = #expect(throws: DeviceCloudProtocolError.self) {
                try inflater.inflate(try self.deflate(ByteBuffer(repeating: 7, count: size)), maximumSize: cap)
            }
            #expect(error?.code == .decompressedPayloadTooLarge, "\(size) bytes")
        }
    }

    @Test("the first reservation is a small constant, not 16 times the input")
    func boundedFirstReservation() throws {
        // 4 MiB of empty stored blocks: a large input that inflates to nothing.
        var stream = ByteBuffer(bytes: [0x78, 0x01])
        for _ in 0..<((4 << 20) / 5) { stream.writeBytes([0x00, 0x00, 0x00, 0xFF, 0xFF]) }
        stream.writeBytes([0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01])
        let inflated = try PayloadInflater().inflate(stream, maximumSize: 64 << 20)
        #expect(inflated.readableBytes == 0)
        #expect(inflated.capacity <= PayloadInflater.maximumInitialReservation)
    }

    @Test("corrupt, truncated and empty zlib data are typed errors")
    func corrupt() throws {
        let inflater = try PayloadInflater()
        let garbage = ByteBuffer(bytes: [0x78, 0x9c, 0xff, 0xff, 0x00, 0x12, 0x34])
        #expect(throws: DeviceCloudProtocolError.self) { try inflater.inflate(garbage, maximumSize: 1 << 20) }
        let good = try self.deflate(ByteBuffer(string: String(repeating: "abc", count: 1000)))
        let truncated = good.getSlice(at: good.readerIndex, length: good.readableBytes / 2) ?? ByteBuffer()
        let error = #expect(throws: DeviceCloudProtocolError.self) { try inflater.inflate(truncated, maximumSize: 1 << 20) }
        #expect(error?.code == .corruptCompressedPayload)
        #expect(throws: DeviceCloudProtocolError.self) { try inflater.inflate(ByteBuffer(), maximumSize: 1 << 20) }
    }
}
