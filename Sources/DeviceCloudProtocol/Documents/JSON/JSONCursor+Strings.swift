// String tokens for ``JSONCursor``: finding a string's closing quote eight bytes at a time,
// and validating its escapes (surrogate pairs included), control characters and UTF-8.

extension JSONCursor {
    /// Scans the string token whose opening quote is at `open`. Returns the index of the
    /// closing quote and whether the string contains escapes. Validates escapes, control
    /// characters and UTF-8.
    @inline(__always)
    func scanString(quoteAt open: Int) throws(DeviceCloudProtocolError) -> (close: Int, escaped: Bool) {
        var i = open &+ 1
        // Fast path: eight bytes at a time while none needs attention.
        while self.end &- i >= 8 {
            let word = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let special = Self.specialStringBytes(word)
            if special != 0 {
                i &+= special.trailingZeroBitCount &>> 3
                if self.bytes[i] == JSONByte.quote {
                    return (i, false)
                }
                break
            }
            i &+= 8
        }
        return try self.scanStringSlowly(from: i, open: open)
    }

    /// The rest of ``scanString(quoteAt:)`` from `i`: escapes, non-ASCII, and the last bytes.
    @inline(never)
    func scanStringSlowly(from start: Int, open: Int) throws(DeviceCloudProtocolError) -> (close: Int, escaped: Bool) {
        var i = start
        var escaped = false
        while true {
            while self.end &- i >= 8 {
                let word = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let special = Self.specialStringBytes(word)
                if special != 0 {
                    i &+= special.trailingZeroBitCount &>> 3
                    break
                }
                i &+= 8
            }
            while i < self.end {
                let b = self.bytes[i]
                guard b >= 0x20 && b < 0x80 && b != JSONByte.quote && b != JSONByte.backslash else { break }
                i &+= 1
            }
            guard i < self.end else {
                throw self.malformed("unterminated string starting at byte \(open)", at: i)
            }
            let b = self.bytes[i]
            if b == JSONByte.quote {
                return (i, escaped)
            } else if b == JSONByte.backslash {
                escaped = true
                i = try self.skipEscape(at: i)
            } else if b < 0x20 {
                throw self.fail(.controlCharacterInString, at: i)
            } else {
                guard let next = UTF8Validation.endOfSequence(in: self.bytes, at: i, end: self.end) else {
                    throw self.fail(.invalidUTF8InString, at: i)
                }
                i = next
            }
        }
    }

    /// A word with the high bit set in each byte lane (little-endian order) that is `"`, `\`,
    /// below 0x20 or at least 0x80. Lanes above the first flagged one may be flagged spuriously
    /// (borrow propagation), so only the lowest flagged lane is meaningful.
    @inline(__always)
    static func specialStringBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let isControl = word &- (ones &* 0x20)  // borrows in lanes below 0x20 set their high bit
        return (hasQuote | hasBackslash | isControl | word) & highs
    }

    /// Validates the escape at `i` (`bytes[i] == '\'`) and returns the index after it.
    func skipEscape(at i: Int) throws(DeviceCloudProtocolError) -> Int {
        switch self.peek(i &+ 1) {
        case JSONByte.quote, JSONByte.backslash, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:  // " \ / b f n r t
            return i &+ 2
        case 0x75:  // u
            let (unit, next) = try self.hex4(at: i &+ 2)
            switch unit {
            case 0xD800...0xDBFF:
                guard self.peek(next) == JSONByte.backslash, self.peek(next &+ 1) == 0x75 else {
                    throw self.fail(.unpairedHighSurrogate, at: next)
                }
                let (low, afterLow) = try self.hex4(at: next &+ 2)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw self.fail(.unpairedHighSurrogate, at: next)
                }
                return afterLow
            case 0xDC00...0xDFFF:
                throw self.fail(.unpairedLowSurrogate, at: i)
            default:
                return next
            }
        default:
            throw self.fail(.invalidEscape, at: i &+ 1)
        }
    }

    /// Reads four hex digits at `i`.
    @inline(__always)
    func hex4(at i: Int) throws(DeviceCloudProtocolError) -> (UInt32, Int) {
        var value: UInt32 = 0
        for k in i..<(i &+ 4) {
            let b = self.peek(k)
            let digit: UInt8
            switch b {
            case 0x30...0x39: digit = b &- 0x30
            case 0x41...0x46: digit = b &- 0x41 &+ 10
            case 0x61...0x66: digit = b &- 0x61 &+ 10
            default: throw self.fail(.invalidUnicodeEscape, at: k)
            }
            value = value << 4 | UInt32(digit)
        }
        return (value, i &+ 4)
    }
}
