import NIOCore

/// Splits a JSON push document, `{"Document":{"Msg": <object or array of objects>}}`, into
/// ``MonitorEvent``s without building a JSON tree.
///
/// The scanner walks the readable bytes once. It validates the whole document as strict JSON
/// (RFC 8259: string escapes including surrogate pairs, UTF-8, number grammar, literals,
/// nesting up to ``maximumDepth``, nothing after the top-level value), reads the envelope
/// fields of each `Msg` entry into Strings and keeps the resource value as a slice of the
/// input buffer (no copy).
///
/// Rules for a `Msg` entry (an object, keys in any order):
/// - `topic` and `operation` are required strings; `timestamp` and `group` are optional
///   strings (`null` counts as absent). A later duplicate of one of these keys wins.
/// - The resource is the first other key whose value is an object; when no other key has an
///   object value, the first other key whatever its value. Remaining keys are skipped.
///   The key is the ``MonitorEvent/resourceType`` and the raw value bytes the
///   ``MonitorEvent/body``.
///
/// Envelope rules: the top-level object must hold `Document` (other top-level keys are
/// skipped); `Document` may be an object, `null` or a string holding only whitespace (the
/// last two are keep-alives, as is an object without `Msg`); `Msg` may be an object, an
/// array of objects or `null`.
enum JSONDocumentScanner {
    /// The deepest nesting of objects and arrays accepted, counted from the document's root.
    static let maximumDepth = 512

    /// Scans `document`'s readable bytes; see the type's documentation for the rules.
    static func events(in document: ByteBuffer, limits: PushLimits) throws(DeviceCloudProtocolError) -> [MonitorEvent] {
        let result = document.withUnsafeReadableBytes { bytes -> Result<[MonitorEvent], DeviceCloudProtocolError> in
            var parser = JSONEnvelopeParser(bytes: bytes, document: document, limits: limits)
            do throws(DeviceCloudProtocolError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

// MARK: - Byte constants

/// The ASCII bytes the JSON scanner looks at.
private enum JSONByte {
    static let quote: UInt8 = 0x22  // "
    static let backslash: UInt8 = 0x5C  // \
    static let comma: UInt8 = 0x2C  // ,
    static let colon: UInt8 = 0x3A  // :
    static let openBrace: UInt8 = 0x7B  // {
    static let closeBrace: UInt8 = 0x7D  // }
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D  // ]
    static let minus: UInt8 = 0x2D  // -
    static let plus: UInt8 = 0x2B  // +
    static let dot: UInt8 = 0x2E  // .
    static let zero: UInt8 = 0x30  // 0
}

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

/// Interning of the common operation spellings so the hot path allocates nothing for them.
extension MonitorEvent.Operation {
    /// Returns the operation spelled by `bytes[start..<end]`: one of the shared constants when
    /// the bytes are `INSERTION`, `UPDATE` or `DELETE` in any ASCII case, otherwise a new value.
    @inline(__always)
    static func interned(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> MonitorEvent.Operation {
        switch end - start {
        case 9 where asciiCaseInsensitiveEqual(bytes, start, "INSERTION"):
            return .insertion
        case 6 where asciiCaseInsensitiveEqual(bytes, start, "UPDATE"):
            return .update
        case 6 where asciiCaseInsensitiveEqual(bytes, start, "DELETE"):
            return .delete
        default:
            return MonitorEvent.Operation(
                rawValue: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            )
        }
    }

    /// Compares bytes at `start` with `upperCaseLetters` (A–Z only), ignoring ASCII case.
    /// The caller guarantees `upperCaseLetters.utf8CodeUnitCount` bytes are readable.
    @inline(__always)
    private static func asciiCaseInsensitiveEqual(
        _ bytes: UnsafeRawBufferPointer,
        _ start: Int,
        _ upperCaseLetters: StaticString
    ) -> Bool {
        let letters = UnsafeRawBufferPointer(
            start: upperCaseLetters.utf8Start,
            count: upperCaseLetters.utf8CodeUnitCount
        )
        for k in 0..<letters.count where bytes[start + k] & 0xDF != letters[k] {
            // Clearing bit 5 maps exactly `x` and `X` onto `X` for a letter `X`.
            return false
        }
        return true
    }
}

// MARK: - Parser

/// A string token of the document: `bytes[open] == '"'`, `bytes[close] == '"'`.
struct StringToken {
    var open: Int
    var close: Int
    var escaped: Bool

    /// No token (a field that is absent or `null`).
    static let absent = StringToken(open: 0, close: -1, escaped: false)

    var isPresent: Bool { self.close >= 0 }
}

/// Validation of JSON over raw bytes: the trivially copyable, stateless half of the parser, so
/// its hot helpers run with nothing to retain or copy.
///
/// Safety: every read of `bytes[k]` is preceded by a check `k < end` (`end == bytes.count`),
/// directly or through ``peek(_:)``, which yields 0 past the end (0 is never valid where it
/// is examined, so the end of input always leads to an error, never to an out-of-bounds read);
/// 8-byte loads happen only where `end - k >= 8`. Index arithmetic uses wrapping operators
/// only on values in `0...end`, where it cannot overflow.
struct JSONCursor {
    let bytes: UnsafeRawBufferPointer
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.end = bytes.count
    }

    // MARK: Errors

    /// What the hot paths report; turned into a message only when thrown.
    enum Problem: UInt8 {
        case controlCharacterInString
        case invalidUTF8InString
        case invalidEscape
        case invalidUnicodeEscape
        case unpairedHighSurrogate
        case unpairedLowSurrogate
        case invalidNumber
        case missingFractionDigits
        case missingExponentDigits
        case invalidLiteral
        case expectedValue
        case expectedKey
        case expectedColon
        case expectedCommaOrBrace
        case expectedCommaOrBracket
        case tooDeep

        var text: String {
            switch self {
            case .controlCharacterInString: "unescaped control character in string"
            case .invalidUTF8InString: "invalid UTF-8 in string"
            case .invalidEscape: "invalid escape sequence"
            case .invalidUnicodeEscape: "expected four hex digits in \\u escape"
            case .unpairedHighSurrogate: "high surrogate escape not followed by a low surrogate escape"
            case .unpairedLowSurrogate: "unpaired low surrogate escape"
            case .invalidNumber: "invalid number"
            case .missingFractionDigits: "expected a digit after the decimal point"
            case .missingExponentDigits: "expected a digit in the exponent"
            case .invalidLiteral: "invalid literal"
            case .expectedValue: "expected a JSON value"
            case .expectedKey: "expected a string key"
            case .expectedColon: "expected ':' after object key"
            case .expectedCommaOrBrace: "expected ',' or '}' in object"
            case .expectedCommaOrBracket: "expected ',' or ']' in array"
            case .tooDeep: "nesting deeper than \(JSONDocumentScanner.maximumDepth) levels"
            }
        }
    }

    @inline(never)
    func fail(_ problem: Problem, at i: Int) -> DeviceCloudProtocolError {
        self.malformed(problem.text, at: i)
    }

    @inline(never)
    func malformed(_ what: String, at i: Int) -> DeviceCloudProtocolError {
        if i >= self.end {
            return DeviceCloudProtocolError(
                .malformedDocument,
                "JSON document: unexpected end of input at byte \(self.end) (\(what))"
            )
        }
        let byte = self.bytes[i]
        let shown: String
        if byte >= 0x20 && byte < 0x7F {
            shown = "'\(Character(Unicode.Scalar(byte)))'"
        } else {
            shown = "0x" + String(byte, radix: 16, uppercase: true)
        }
        return DeviceCloudProtocolError(.malformedDocument, "JSON document: \(what) at byte \(i), found \(shown)")
    }

    @inline(never)
    func malformedEntry(_ what: String, entryAt i: Int) -> DeviceCloudProtocolError {
        DeviceCloudProtocolError(.malformedDocument, "JSON document: the Msg entry at byte \(i) \(what)")
    }

    // MARK: Primitives

    @inline(__always)
    func peek(_ i: Int) -> UInt8 {
        i < self.end ? self.bytes[i] : 0
    }

    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        // space, \t, \n, \r; anything above space is decided by one comparison.
        b <= 0x20 && (b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09)
    }

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

    /// Validates `"key" :` at `i` and returns the index of the value (whitespace skipped).
    @inline(__always)
    func skipMemberKey(at i: Int) throws(DeviceCloudProtocolError) -> Int {
        guard self.peek(i) == JSONByte.quote else {
            throw self.fail(.expectedKey, at: i)
        }
        var colon = try self.scanString(quoteAt: i).close &+ 1
        guard self.peekAfterWhitespace(&colon) == JSONByte.colon else {
            throw self.fail(.expectedColon, at: colon)
        }
        return self.skipWhitespace(colon &+ 1)
    }

    /// Reads `"key" :` at `i`; returns the key token bounds and the index of the value.
    @inline(__always)
    func readMemberKey(at i: Int) throws(DeviceCloudProtocolError) -> (open: Int, close: Int, escaped: Bool, value: Int) {
        guard self.peek(i) == JSONByte.quote else {
            throw self.fail(.expectedKey, at: i)
        }
        let (close, escaped) = try self.scanString(quoteAt: i)
        var colon = close &+ 1
        guard self.peekAfterWhitespace(&colon) == JSONByte.colon else {
            throw self.fail(.expectedColon, at: colon)
        }
        return (i, close, escaped, self.skipWhitespace(colon &+ 1))
    }

    /// Recognises the envelope keys as the service writes them (`"topic":` and the like, no
    /// escapes, no space before the colon) with whole-word comparisons; `nil` sends the caller
    /// to the general path. Returns the field, the key's closing quote and the value's index.
    @inline(__always)
    func knownEnvelopeKey(at i: Int) -> (field: EnvelopeField, close: Int, value: Int)? {
        guard self.end &- i >= 16 else { return nil }
        let head = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        switch head {
        case 0x3A22_6369_706F_7422:  // "topic":
            return (.topic, i &+ 6, self.skipWhitespace(i &+ 8))
        case 0x3A22_7075_6F72_6722:  // "group":
            return (.group, i &+ 6, self.skipWhitespace(i &+ 8))
        case 0x6174_7365_6D69_7422, 0x6974_6172_6570_6F22:  // "timesta "operati
            let tail = UInt32(littleEndian: self.bytes.loadUnaligned(fromByteOffset: i &+ 8, as: UInt32.self))
            if head == 0x6174_7365_6D69_7422 && tail == 0x3A22_706D {  // mp":
                return (.timestamp, i &+ 10, self.skipWhitespace(i &+ 12))
            }
            if head == 0x6974_6172_6570_6F22 && tail == 0x3A22_6E6F {  // on":
                return (.operation, i &+ 10, self.skipWhitespace(i &+ 12))
            }
            return nil
        default:
            return nil
        }
    }

    /// After a member value: skips `,` (returning `true` and the next key's index) or the
    /// closing `}` (returning `false` and the index after it).
    @inline(__always)
    func afterMember(_ start: Int) throws(DeviceCloudProtocolError) -> (more: Bool, next: Int) {
        var i = start
        switch self.peekAfterWhitespace(&i) {
        case JSONByte.comma:
            return (true, self.skipWhitespace(i &+ 1))
        case JSONByte.closeBrace:
            return (false, i &+ 1)
        default:
            throw self.fail(.expectedCommaOrBrace, at: i)
        }
    }

    /// Validates any JSON value starting at `i` (not whitespace), whose container sits at
    /// nesting `depth` (the value's own object/array, if any, is at `depth + 1`), and returns
    /// the index after it. Iterative: nesting costs no call stack. The kinds of the open
    /// containers live in a bit mask (`1` = object) for the first 64 levels and in
    /// `overflow` beyond.
    func skipValue(at start: Int, depth: Int, overflow: inout [Bool]) throws(DeviceCloudProtocolError) -> Int {
        var i = start
        var level = 0
        var kinds: UInt64 = 0
        var inObject = false
        if !overflow.isEmpty {
            overflow.removeAll(keepingCapacity: true)
        }
        // Each iteration starts at a value (whitespace skipped).
        value: while true {
            let v = self.peek(i)
            if v == JSONByte.openBrace || v == JSONByte.openBracket {
                guard depth &+ level < JSONDocumentScanner.maximumDepth else {
                    throw self.fail(.tooDeep, at: i)
                }
                level &+= 1
                inObject = v == JSONByte.openBrace
                if level <= 64 {
                    let bit: UInt64 = 1 &<< UInt64(level &- 1)
                    kinds = inObject ? kinds | bit : kinds & ~bit
                } else {
                    overflow.append(inObject)
                }
                i = self.skipWhitespace(i &+ 1)
                if self.peek(i) != (inObject ? JSONByte.closeBrace : JSONByte.closeBracket) {
                    if inObject {
                        i = try self.skipMemberKey(at: i)
                    }
                    continue value
                }
                // An empty container: close it below as if after a value.
            } else {
                i = try self.skipScalar(v, at: i)
                if level == 0 { return i }
            }
            // After a value (or an opening bracket, when `bytes[i]` closes it).
            while true {
                let b = self.peekAfterWhitespace(&i)
                if b == JSONByte.comma {
                    i = self.skipWhitespace(i &+ 1)
                    if inObject {
                        i = try self.skipMemberKey(at: i)
                    }
                    continue value
                }
                guard b == (inObject ? JSONByte.closeBrace : JSONByte.closeBracket) else {
                    throw self.fail(inObject ? .expectedCommaOrBrace : .expectedCommaOrBracket, at: i)
                }
                i &+= 1
                if level > 64 {
                    overflow.removeLast()
                }
                level &-= 1
                if level == 0 { return i }
                if level <= 64 {
                    inObject = kinds & (1 &<< UInt64(level &- 1)) != 0
                } else {
                    inObject = overflow.last ?? false
                }
            }
        }
    }

    enum EnvelopeField {
        case topic, operation, timestamp, group, other
    }

    /// Classifies an unescaped key token by its bytes.
    @inline(__always)
    func envelopeField(_ open: Int, _ close: Int) -> EnvelopeField {
        // Whole-word comparisons: the key's bytes lie between its quotes, inside the input.
        let s = open &+ 1
        switch close &- s {
        case 5:
            let head = UInt32(littleEndian: self.bytes.loadUnaligned(fromByteOffset: s, as: UInt32.self))
            let tail = self.bytes[s &+ 4]
            if head == 0x6970_6F74 && tail == 0x63 { return .topic }  // "topi" "c"
            if head == 0x756F_7267 && tail == 0x70 { return .group }  // "grou" "p"
        case 9:
            let head = UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: s, as: UInt64.self))
            let tail = self.bytes[s &+ 8]
            if head == 0x6F69_7461_7265_706F && tail == 0x6E { return .operation }  // "operatio" "n"
            if head == 0x6D61_7473_656D_6974 && tail == 0x70 { return .timestamp }  // "timestam" "p"
        default:
            break
        }
        return .other
    }
}

/// The single-pass parser behind ``JSONDocumentScanner``.
///
/// All reads of the input go through ``JSONCursor``, which checks bounds.
struct JSONEnvelopeParser {
    let input: JSONCursor
    let document: ByteBuffer
    let limits: PushLimits
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []
    /// Kinds of the open containers beyond the 64th level while skipping a value (`true` = object).
    var containerStack: [Bool] = []
    /// The tokens of the previous event's string fields (see ``parseMsgEntry(at:into:)``);
    /// they describe `events.last` of the array being filled.
    var previous = (
        topic: StringToken.absent,
        timestamp: StringToken.absent,
        group: StringToken.absent,
        resourceType: StringToken.absent
    )

    init(bytes: UnsafeRawBufferPointer, document: ByteBuffer, limits: PushLimits) {
        self.input = JSONCursor(bytes)
        self.document = document
        self.limits = limits
    }

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

    // MARK: Document structure

    mutating func parseDocument() throws(DeviceCloudProtocolError) -> [MonitorEvent] {
        var i = 0
        if self.input.end >= 3 && self.input.bytes[0] == 0xEF && self.input.bytes[1] == 0xBB
            && self.input.bytes[2] == 0xBF
        {
            i = 3  // UTF-8 byte order mark
        }
        i = self.input.skipWhitespace(i)
        guard self.input.peek(i) == JSONByte.openBrace else {
            throw self.input.malformed("expected '{' at the start of the document", at: i)
        }
        var events: [MonitorEvent] = []
        var sawDocument = false
        i = self.input.skipWhitespace(i + 1)
        if self.input.peek(i) == JSONByte.closeBrace {
            i += 1
        } else {
            var more = true
            while more {
                let key = try self.input.readMemberKey(at: i)
                if self.key(open: key.open, close: key.close, escaped: key.escaped, equals: "Document") {
                    guard !sawDocument else {
                        throw self.input.malformed("duplicate \"Document\" key", at: key.open)
                    }
                    sawDocument = true
                    i = try self.parseDocumentValue(at: key.value, into: &events)
                } else {
                    i = try self.input.skipValue(at: key.value, depth: 1, overflow: &self.containerStack)
                }
                (more, i) = try self.input.afterMember(i)
            }
        }
        i = self.input.skipWhitespace(i)
        guard i == self.input.end else {
            throw self.input.malformed("unexpected data after the top-level object", at: i)
        }
        guard sawDocument else {
            throw DeviceCloudProtocolError(.malformedDocument, "JSON document: the top-level object has no \"Document\" key")
        }
        return events
    }

    /// Parses the value of `Document` at `i`; returns the index after it.
    mutating func parseDocumentValue(at start: Int, into events: inout [MonitorEvent]) throws(DeviceCloudProtocolError) -> Int
    {
        var i = start
        switch self.input.peek(i) {
        case JSONByte.openBrace:
            break
        case 0x6E:  // null: keep-alive
            return try self.input.skipLiteral("null", at: i)
        case JSONByte.quote:
            // A string Document is a keep-alive only when it holds nothing but whitespace.
            let (close, escaped) = try self.input.scanString(quoteAt: i)
            guard !escaped, self.input.skipWhitespace(i + 1) == close else {
                throw self.input.malformed(
                    "\"Document\" must be an object (a string is accepted only when empty)", at: i)
            }
            return close + 1
        default:
            throw self.input.malformed("\"Document\" must be an object", at: i)
        }
        var sawMsg = false
        i = self.input.skipWhitespace(i + 1)
        if self.input.peek(i) == JSONByte.closeBrace {
            return i + 1
        }
        var more = true
        while more {
            let key = try self.input.readMemberKey(at: i)
            if self.key(open: key.open, close: key.close, escaped: key.escaped, equals: "Msg") {
                guard !sawMsg else {
                    throw self.input.malformed("duplicate \"Msg\" key", at: key.open)
                }
                sawMsg = true
                i = try self.parseMsgValue(at: key.value, into: &events)
            } else {
                i = try self.input.skipValue(at: key.value, depth: 2, overflow: &self.containerStack)
            }
            (more, i) = try self.input.afterMember(i)
        }
        return i
    }

    /// Parses the value of `Msg` at `i`: an object, an array of objects, or `null`.
    mutating func parseMsgValue(at start: Int, into events: inout [MonitorEvent]) throws(DeviceCloudProtocolError) -> Int {
        var i = start
        switch self.input.peek(i) {
        case JSONByte.openBrace:
            try self.checkEventLimit(events.count, at: i)
            return try self.parseMsgEntry(at: i, into: &events)
        case 0x6E:  // null
            return try self.input.skipLiteral("null", at: i)
        case JSONByte.openBracket:
            break
        default:
            throw self.input.malformed("\"Msg\" must be an object or an array of objects", at: i)
        }
        i = self.input.skipWhitespace(i + 1)
        if self.input.peek(i) == JSONByte.closeBracket {
            return i + 1
        }
        // Real entries take a few hundred bytes: reserve for what the rest likely holds, capped.
        events.reserveCapacity(min(self.limits.maximumEventsPerBatch, (self.input.end - i) / 256 + 1))
        while true {
            guard self.input.peek(i) == JSONByte.openBrace else {
                throw self.input.malformed("each element of the \"Msg\" array must be an object", at: i)
            }
            try self.checkEventLimit(events.count, at: i)
            i = self.input.skipWhitespace(try self.parseMsgEntry(at: i, into: &events))
            switch self.input.peek(i) {
            case JSONByte.comma:
                i = self.input.skipWhitespace(i + 1)
            case JSONByte.closeBracket:
                return i + 1
            default:
                throw self.input.malformed("expected ',' or ']' in the \"Msg\" array", at: i)
            }
        }
    }

    @inline(__always)
    func checkEventLimit(_ count: Int, at i: Int) throws(DeviceCloudProtocolError) {
        guard count < self.limits.maximumEventsPerBatch else {
            throw DeviceCloudProtocolError(
                .tooManyEvents,
                "JSON document: more than \(self.limits.maximumEventsPerBatch) events (limit reached at byte \(i))"
            )
        }
    }

    /// Parses one Msg object at `start` (`bytes[start] == '{'`), appends its event and returns
    /// the index after the object.
    ///
    /// String fields are made once the entry is complete, from the recorded tokens; a field
    /// whose bytes equal the same field of the previous event reuses that event's String (no
    /// allocation: events of one block often share topic, timestamp, group and resource type).
    mutating func parseMsgEntry(at start: Int, into events: inout [MonitorEvent]) throws(DeviceCloudProtocolError) -> Int {
        var topic = StringToken.absent
        var operation = StringToken.absent
        var timestamp = StringToken.absent
        var group = StringToken.absent
        // Resource candidates: key token and value bounds.
        var objectResource: (key: StringToken, value: Int, valueEnd: Int)?
        var otherResource: (key: StringToken, value: Int, valueEnd: Int)?

        var i = self.input.skipWhitespace(start + 1)
        var more = self.input.peek(i) != JSONByte.closeBrace
        if !more { i += 1 }
        while more {
            let key: (open: Int, close: Int, escaped: Bool, value: Int)
            let field: JSONCursor.EnvelopeField
            if let known = self.input.knownEnvelopeKey(at: i) {
                key = (i, known.close, false, known.value)
                field = known.field
            } else {
                key = try self.input.readMemberKey(at: i)
                field =
                    key.escaped
                    ? self.envelopeFieldOfEscapedKey(key.open, key.close)
                    : self.input.envelopeField(key.open, key.close)
            }
            let v = key.value
            switch field {
            case .topic, .operation, .timestamp, .group:
                var token = StringToken.absent
                switch self.input.peek(v) {
                case JSONByte.quote:
                    let (close, escaped) = try self.input.scanString(quoteAt: v)
                    token = StringToken(open: v, close: close, escaped: escaped)
                    i = close + 1
                case 0x6E where field == .timestamp || field == .group:  // null
                    i = try self.input.skipLiteral("null", at: v)
                default:
                    throw self.input.malformed("\"\(field)\" must be a string", at: v)
                }
                switch field {
                case .topic: topic = token
                case .operation: operation = token
                case .timestamp: timestamp = token
                default: group = token
                }
            case .other:
                let isObject = self.input.peek(v) == JSONByte.openBrace
                i = try self.input.skipValue(at: v, depth: 4, overflow: &self.containerStack)
                let keyToken = StringToken(open: key.open, close: key.close, escaped: key.escaped)
                if isObject {
                    if objectResource == nil {
                        objectResource = (keyToken, v, i)
                    }
                } else if otherResource == nil {
                    otherResource = (keyToken, v, i)
                }
            }
            (more, i) = try self.input.afterMember(i)
        }

        guard topic.isPresent else {
            throw self.input.malformedEntry("has no \"topic\"", entryAt: start)
        }
        guard operation.isPresent else {
            throw self.input.malformedEntry("has no \"operation\"", entryAt: start)
        }
        guard let resource = objectResource ?? otherResource else {
            throw self.input.malformedEntry("has no resource element", entryAt: start)
        }
        guard
            let body = self.document.getSlice(
                at: self.document.readerIndex + resource.value,
                length: resource.valueEnd - resource.value
            )
        else {
            // Unreachable: the bounds come from the readable bytes themselves.
            throw self.input.malformedEntry("has a resource outside the buffer", entryAt: start)
        }

        let last = events.count - 1
        let previous = self.previous
        self.previous = (topic, timestamp, group, resource.key)
        let operationValue =
            operation.escaped
            ? MonitorEvent.Operation(rawValue: self.makeString(operation))
            : MonitorEvent.Operation.interned(self.input.bytes, operation.open + 1, operation.close)
        events.append(
            MonitorEvent(
                topic: self.sameBytes(topic, previous.topic) ? events[last].topic : self.makeString(topic),
                operation: operationValue,
                timestamp: !timestamp.isPresent
                    ? nil
                    : self.sameBytes(timestamp, previous.timestamp)
                        ? events[last].timestamp : self.makeString(timestamp),
                group: !group.isPresent
                    ? nil : self.sameBytes(group, previous.group) ? events[last].group : self.makeString(group),
                resourceType: self.sameBytes(resource.key, previous.resourceType)
                    ? events[last].resourceType : self.makeString(resource.key),
                body: body,
                format: .json
            )
        )
        return i
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
