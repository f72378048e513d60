// The strings of a JSON document's tokens, made by ``JSONEnvelopeParser``: escape decoding
// into its reused scratch buffer, key comparisons, the reuse of the previous event's strings
// when the bytes repeat, and the classification of envelope keys that contain escapes.

extension JSONEnvelopeParser {
    /// Makes a String from the string token `bytes[open] == '"' … bytes[close] == '"'`.
    mutating func makeString(open: Int, close: Int, escaped: Bool) -> String {
        let start = open + 1
        if !escaped {
            return String(decoding: UnsafeRawBufferPointer(rebasing: self.input.bytes[start..<close]), as: UTF8.self)
        }
        self.decodeEscaped(start: start, close: close)
        return String(decoding: self.scratch, as: UTF8.self)
    }

    /// Decodes the (validated) string content `bytes[start..<close]` into ``scratch``.
    mutating func decodeEscaped(start: Int, close: Int) {
        self.scratch.removeAll(keepingCapacity: true)
        var i = start
        while i < close {
            let b = self.input.bytes[i]
            guard b == JSONByte.backslash, i + 1 < close else {
                self.scratch.append(b)
                i += 1
                continue
            }
            let e = self.input.bytes[i + 1]
            i += 2
            switch e {
            case 0x62: self.scratch.append(0x08)
            case 0x66: self.scratch.append(0x0C)
            case 0x6E: self.scratch.append(0x0A)
            case 0x72: self.scratch.append(0x0D)
            case 0x74: self.scratch.append(0x09)
            case 0x75:
                // Validated by `scanString`: four hex digits, surrogates paired.
                guard let (unit, next) = try? self.input.hex4(at: i) else { return }
                i = next
                var scalar = unit
                if (0xD800...0xDBFF).contains(unit), i + 6 <= close,
                    let (low, afterLow) = try? self.input.hex4(at: i + 2),
                    (0xDC00...0xDFFF).contains(low)
                {
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i = afterLow
                }
                if Unicode.Scalar(scalar) == nil {
                    scalar = 0xFFFD
                }
                UTF8Validation.append(scalar: scalar, to: &self.scratch)
            default:  // " \ /
                self.scratch.append(e)
            }
        }
    }

    /// Whether the key token's content (unescaped) equals `literal`.
    @inline(__always)
    mutating func key(open: Int, close: Int, escaped: Bool, equals literal: StaticString) -> Bool {
        let literalBytes = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        if escaped {
            self.decodeEscaped(start: open + 1, close: close)
            return self.scratch.elementsEqual(literalBytes)
        }
        guard close - open - 1 == literalBytes.count else { return false }
        for k in 0..<literalBytes.count where self.input.bytes[open + 1 + k] != literalBytes[k] {
            return false
        }
        return true
    }

    /// Whether `token` and `previous` (a token of the previous event, or absent) are both
    /// present, unescaped and hold the same bytes.
    @inline(__always)
    func sameBytes(_ token: StringToken, _ previous: StringToken) -> Bool {
        let count = token.close - token.open
        guard previous.isPresent, !token.escaped, !previous.escaped, previous.close - previous.open == count else {
            return false
        }
        return self.input.equal(token.open + 1, previous.open + 1, count - 1)
    }

    /// Makes the String of a present string token.
    @inline(__always)
    mutating func makeString(_ token: StringToken) -> String {
        self.makeString(open: token.open, close: token.close, escaped: token.escaped)
    }

    /// Classifies a key token that contains escapes.
    mutating func envelopeFieldOfEscapedKey(_ open: Int, _ close: Int) -> JSONCursor.EnvelopeField {
        if self.key(open: open, close: close, escaped: true, equals: "topic") { return .topic }
        if self.key(open: open, close: close, escaped: true, equals: "operation") { return .operation }
        if self.key(open: open, close: close, escaped: true, equals: "timestamp") { return .timestamp }
        if self.key(open: open, close: close, escaped: true, equals: "group") { return .group }
        return .other
    }
}
