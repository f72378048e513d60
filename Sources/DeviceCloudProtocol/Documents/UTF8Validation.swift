/// Strict validation of UTF-8 sequences, shared by the JSON and XML scanners.
enum UTF8Validation {
    /// Validates the multi-byte UTF-8 sequence whose lead byte is at `i` (`bytes[i] >= 0x80`)
    /// and returns the index after it, or `nil` when the sequence is invalid (overlong,
    /// surrogate, above U+10FFFF, truncated or a stray continuation byte).
    @inline(__always)
    static func endOfSequence(in bytes: UnsafeRawBufferPointer, at i: Int, end: Int) -> Int? {
        let lead = bytes[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF:
            length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3:
            length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default:
            return nil
        }
        guard end - i >= length else { return nil }
        let second = bytes[i + 1]
        guard second >= low && second <= high else { return nil }
        var k = 2
        while k < length {
            guard bytes[i + k] & 0xC0 == 0x80 else { return nil }
            k += 1
        }
        return i + length
    }

    /// Decodes the Unicode scalar of a sequence already validated by ``endOfSequence(in:at:end:)``.
    @inline(__always)
    static func scalarValue(in bytes: UnsafeRawBufferPointer, at i: Int, length: Int) -> UInt32 {
        let lead = UInt32(bytes[i])
        switch length {
        case 2:
            return (lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
        case 3:
            return (lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
        default:
            return (lead & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
        }
    }

    /// Appends the UTF-8 encoding of `scalar` (a valid Unicode scalar value) to `output`.
    @inline(__always)
    static func append(scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(truncatingIfNeeded: scalar))
        case 0x80..<0x800:
            output.append(UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6))
            output.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12))
            output.append(UInt8(truncatingIfNeeded: 0x80 | (scalar >> 6) & 0x3F))
            output.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18))
            output.append(UInt8(truncatingIfNeeded: 0x80 | (scalar >> 12) & 0x3F))
            output.append(UInt8(truncatingIfNeeded: 0x80 | (scalar >> 6) & 0x3F))
            output.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        }
    }
}
