import Foundation
import NIOCore

/// Reads a file from this target's `Fixtures/` folder.
func fixture(_ name: String) throws -> ByteBuffer {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return ByteBuffer(bytes: try Data(contentsOf: url))
}

/// Bytes from a hex string; spaces are ignored.
func hex(_ text: String) -> ByteBuffer {
    let digits = Array(text.replacingOccurrences(of: " ", with: "").utf8)
    var buffer = ByteBuffer()
    var index = 0
    while index + 1 < digits.count {
        let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) ?? 0
        buffer.writeInteger(byte)
        index += 2
    }
    return buffer
}
