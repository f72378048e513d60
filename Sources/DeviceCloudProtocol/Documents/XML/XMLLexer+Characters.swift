// Characters for ``XMLLexer``: validation of the characters XML allows (UTF-8 included), of
// names and of character and entity references.

extension XMLLexer {
    /// Validates the non-ASCII character at `k` and returns the index after it.
    @inline(__always)
    func skipNonASCII(at k: Int) throws(DeviceCloudProtocolError) -> Int {
        guard let next = UTF8Validation.endOfSequence(in: self.bytes, at: k, end: self.end) else {
            throw self.malformed("invalid UTF-8", at: k)
        }
        // U+FFFE and U+FFFF are not XML characters.
        if self.bytes[k] == 0xEF && self.bytes[k + 1] == 0xBF && self.bytes[k + 2] >= 0xBE {
            throw self.malformed("character U+FFFE/U+FFFF is not allowed in XML", at: k)
        }
        return next
    }

    /// Validates one character at `k` that may appear in text, comments, CDATA sections and
    /// processing instructions; returns the index after it.
    @inline(__always)
    func skipCharacter(at k: Int) throws(DeviceCloudProtocolError) -> Int {
        let b = self.bytes[k]
        if b >= 0x20 && b < 0x80 { return k + 1 }
        if b >= 0x80 { return try self.skipNonASCII(at: k) }
        guard b == 0x09 || b == 0x0A || b == 0x0D else {
            throw self.malformed("control character not allowed in XML", at: k)
        }
        return k + 1
    }

    /// Whether `b` may start a name (a non-ASCII lead byte is checked further by
    /// ``parseName(_:)``).
    @inline(__always)
    static func isNameStart(_ b: UInt8) -> Bool {
        // A–Z, a–z, '_', ':', or the lead byte of a non-ASCII character.
        (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x5F || b == 0x3A || b >= 0x80
    }

    /// Whether `b` may continue a name (a non-ASCII lead byte is checked further by
    /// ``parseName(_:)``).
    @inline(__always)
    static func isNameChar(_ b: UInt8) -> Bool {
        Self.isNameStart(b) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
    }

    /// Reads a Name at ``i`` (XML 1.0, fifth edition, name characters).
    mutating func parseName(_ what: @autoclosure () -> String) throws(DeviceCloudProtocolError) -> Range<Int> {
        let start = self.i
        guard Self.isNameStart(self.peek(self.i)) else {
            throw self.malformed("expected \(what())", at: self.i)
        }
        while self.i < self.end {
            let b = self.bytes[self.i]
            if b >= 0x80 {
                let next = try self.skipNonASCII(at: self.i)
                let scalar = UTF8Validation.scalarValue(in: self.bytes, at: self.i, length: next - self.i)
                guard Self.isNonASCIINameCharacter(scalar, first: self.i == start) else {
                    throw self.malformed(
                        "character U+\(String(scalar, radix: 16, uppercase: true)) is not allowed in a name", at: self.i
                    )
                }
                self.i = next
            } else if Self.isNameChar(b) {
                self.i += 1
            } else {
                break
            }
        }
        return start..<self.i
    }

    /// Whether a non-ASCII scalar may appear in a name (`first`: as its first character).
    static func isNonASCIINameCharacter(_ scalar: UInt32, first: Bool) -> Bool {
        switch scalar {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
            0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x1_0000...0xE_FFFF:
            return true
        case 0xB7, 0x300...0x36F, 0x203F...0x2040:
            return !first
        default:
            return false
        }
    }

    /// Validates the reference at `k` (`bytes[k] == '&'`); returns the index after it and
    /// the character it stands for.
    func reference(at k: Int) throws(DeviceCloudProtocolError) -> (next: Int, scalar: UInt32) {
        if self.peek(k + 1) == 0x23 {  // &#
            var j = k + 2
            var value: UInt32 = 0
            var digits = 0
            if self.peek(j) == 0x78 {  // x
                j += 1
                while true {
                    let b = self.peek(j)
                    let digit: UInt32
                    switch b {
                    case 0x30...0x39: digit = UInt32(b - 0x30)
                    case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                    case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                    default: digit = 16
                    }
                    guard digit < 16 else { break }
                    value = min(value << 4 | digit, 0x11_0000)
                    digits += 1
                    j += 1
                }
            } else {
                while case 0x30...0x39 = self.peek(j) {
                    value = min(value * 10 + UInt32(self.bytes[j] - 0x30), 0x11_0000)
                    digits += 1
                    j += 1
                }
            }
            guard digits > 0, self.peek(j) == 0x3B else {
                throw self.malformed("invalid character reference", at: j)
            }
            guard Self.isXMLCharacter(value) else {
                throw self.malformed("character reference to a character not allowed in XML", at: k)
            }
            return (j + 1, value)
        }
        if self.hasPrefix("amp;", at: k + 1) { return (k + 5, 0x26) }
        if self.hasPrefix("lt;", at: k + 1) { return (k + 4, 0x3C) }
        if self.hasPrefix("gt;", at: k + 1) { return (k + 4, 0x3E) }
        if self.hasPrefix("quot;", at: k + 1) { return (k + 6, 0x22) }
        if self.hasPrefix("apos;", at: k + 1) { return (k + 6, 0x27) }
        throw self.malformed("undefined entity or invalid reference", at: k)
    }

    /// Whether the scalar `value` is a character XML 1.0 allows.
    static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x1_0000...0x10_FFFF: true
        default: false
        }
    }
}
