// Numbers and literals for ``JSONCursor``: validation of the number grammar (digit runs eight
// bytes at a time), of `true`, `false` and `null`, and of any scalar value by its first byte.

extension JSONCursor {
    /// The index after the run of ASCII digits starting at `start`.
    @inline(__always)
    func digitRun(from start: Int) -> Int {
        var i = start
        while self.end &- i >= 8 {
            let word = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            // A lane is a digit when its high nibble is 3 and its low nibble is below 10.
            let highNibbleNot3 = (word & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030
            let lowNibbleAbove9 = ((word & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0x1010_1010_1010_1010
            let bad = highNibbleNot3 | lowNibbleAbove9
            // Exact per-lane "non-zero" test: no carry crosses lanes.
            let flags = (((bad & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | bad) & 0x8080_8080_8080_8080
            if flags != 0 {
                return i &+ (flags.trailingZeroBitCount &>> 3)
            }
            i &+= 8
        }
        while i < self.end && self.bytes[i] &- JSONByte.zero < 10 {
            i &+= 1
        }
        return i
    }

    /// Validates a number starting at `i` and returns the index after it.
    @inline(__always)
    func skipNumber(at start: Int) throws(DeviceCloudProtocolError) -> Int {
        var i = start
        if self.peek(i) == JSONByte.minus { i &+= 1 }
        let first = self.peek(i)
        if first == JSONByte.zero {
            i &+= 1
        } else if first &- 0x31 < 9 {
            i = self.digitRun(from: i &+ 1)
        } else {
            throw self.fail(.invalidNumber, at: i)
        }
        let next = self.peek(i)
        if next == JSONByte.dot || next | 0x20 == 0x65 {
            return try self.skipNumberTail(at: i)
        }
        return i
    }

    /// The fraction and exponent of a number, from `i` (at `.`, `e` or `E`).
    @inline(never)
    func skipNumberTail(at start: Int) throws(DeviceCloudProtocolError) -> Int {
        var i = start
        if self.peek(i) == JSONByte.dot {
            i &+= 1
            guard self.peek(i) &- JSONByte.zero < 10 else {
                throw self.fail(.missingFractionDigits, at: i)
            }
            i = self.digitRun(from: i)
        }
        if self.peek(i) | 0x20 == 0x65 {  // e or E
            i &+= 1
            if self.peek(i) == JSONByte.plus || self.peek(i) == JSONByte.minus { i &+= 1 }
            guard self.peek(i) &- JSONByte.zero < 10 else {
                throw self.fail(.missingExponentDigits, at: i)
            }
            i = self.digitRun(from: i)
        }
        return i
    }

    /// Validates `literal` (`true`, `false`, `null`) at `i` and returns the index after it.
    @inline(__always)
    func skipLiteral(_ literal: StaticString, at i: Int) throws(DeviceCloudProtocolError) -> Int {
        let count = literal.utf8CodeUnitCount
        let literalBytes = UnsafeRawBufferPointer(start: literal.utf8Start, count: count)
        guard self.end &- i >= count else {
            throw self.fail(.invalidLiteral, at: self.end)
        }
        for k in 0..<count where self.bytes[i &+ k] != literalBytes[k] {
            throw self.fail(.invalidLiteral, at: i &+ k)
        }
        return i &+ count
    }

    /// Validates one scalar value (string, number, literal) starting with byte `b` at `i` and
    /// returns the index after it; objects and arrays go through
    /// ``skipValue(at:depth:overflow:)``.
    @inline(__always)
    func skipScalar(_ b: UInt8, at i: Int) throws(DeviceCloudProtocolError) -> Int {
        if b == JSONByte.quote {
            return try self.scanString(quoteAt: i).close &+ 1
        }
        if b == JSONByte.minus || b &- JSONByte.zero < 10 {
            return try self.skipNumber(at: i)
        }
        return try self.skipLiteral(at: i)
    }

    /// `true`, `false` or `null` at `i`.
    @inline(never)
    func skipLiteral(at i: Int) throws(DeviceCloudProtocolError) -> Int {
        switch self.peek(i) {
        case 0x74: return try self.skipLiteral("true", at: i)
        case 0x66: return try self.skipLiteral("false", at: i)
        case 0x6E: return try self.skipLiteral("null", at: i)
        default: throw self.fail(.expectedValue, at: i)
        }
    }
}
