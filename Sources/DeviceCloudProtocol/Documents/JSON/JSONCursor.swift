/// Validation of JSON over raw bytes: the trivially copyable, stateless half of the parser, so
/// its hot helpers run with nothing to retain or copy.
///
/// Safety: every read of `bytes[k]` is preceded by a check `k < end` (`end == bytes.count`),
/// directly or through ``peek(_:)``, which yields 0 past the end (0 is never valid where it
/// is examined, so the end of input always leads to an error, never to an out-of-bounds read);
/// 8-byte loads happen only where `end - k >= 8`. Index arithmetic uses wrapping operators
/// only on values in `0...end`, where it cannot overflow.
struct JSONCursor {
    /// The document's bytes.
    let bytes: UnsafeRawBufferPointer
    /// `bytes.count`: every read checks an index against it.
    let end: Int

    /// A cursor over `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.end = bytes.count
    }

    // MARK: Primitives

    /// The byte at `i`, or 0 past the end.
    @inline(__always)
    func peek(_ i: Int) -> UInt8 {
        i < self.end ? self.bytes[i] : 0
    }

    /// Whether `b` is JSON whitespace: space, tab, line feed or carriage return.
    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        // space, \t, \n, \r; anything above space is decided by one comparison.
        b <= 0x20 && (b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09)
    }

    /// The index of the first byte from `start` that is not whitespace (or the end).
    @inline(__always)
    func skipWhitespace(_ start: Int) -> Int {
        var i = start
        while i < self.end && Self.isWhitespace(self.bytes[i]) {
            i &+= 1
        }
        return i
    }

    /// Skips whitespace from `i` and returns the byte there (0 at the end).
    @inline(__always)
    func peekAfterWhitespace(_ i: inout Int) -> UInt8 {
        while i < self.end {
            let b = self.bytes[i]
            guard Self.isWhitespace(b) else { return b }
            i &+= 1
        }
        return 0
    }

    /// Whether `count` bytes at `a` and at `b` are equal (both ranges are in bounds).
    @inline(__always)
    func equal(_ a: Int, _ b: Int, _ count: Int) -> Bool {
        var k = 0
        while count &- k >= 8 {
            guard
                self.bytes.loadUnaligned(fromByteOffset: a &+ k, as: UInt64.self)
                    == self.bytes.loadUnaligned(fromByteOffset: b &+ k, as: UInt64.self)
            else { return false }
            k &+= 8
        }
        while k < count {
            guard self.bytes[a &+ k] == self.bytes[b &+ k] else { return false }
            k &+= 1
        }
        return true
    }
}
