/// A pull lexer for well-formed XML over raw bytes, shared by the document scanner and the
/// resource decoder.
///
/// Safety: every read of `bytes[k]` is guarded by `k < end` (`end == bytes.count`), directly
/// or through ``peek(_:)``, which yields 0 past the end; 0 is never an acceptable byte where
/// it is examined, so running out of input always ends in an error.
struct XMLLexer {
    /// One piece of element content.
    enum ContentToken {
        /// Character data (not empty) up to the next `<`; `hasReference` tells whether it
        /// contains `&…;` references.
        case text(Range<Int>, hasReference: Bool)
        /// The content of a CDATA section.
        case cdata(Range<Int>)
        /// A start tag whose name was read; the caller reads its attributes with
        /// ``nextAttribute()`` until `nil`, then checks ``tagSelfClosing``.
        case startTag(tagStart: Int, name: Range<Int>)
        /// An end tag, fully read.
        case endTag(name: Range<Int>)
        /// The end of the input.
        case end
    }

    /// An attribute of the current start tag.
    struct Attribute {
        var name: Range<Int>
        /// The raw value between the quotes.
        var value: Range<Int>
        /// Whether the value holds references or whitespace that decoding changes.
        var needsDecoding: Bool
    }

    /// The input's bytes.
    let bytes: UnsafeRawBufferPointer
    /// `bytes.count`: every read checks an index against it.
    let end: Int
    /// The read position.
    var i: Int = 0
    /// Names the messages' origin, e.g. "XML document".
    let context: String
    /// Whether the start tag whose attributes were just read ended with `/>`.
    var tagSelfClosing = false
    /// Reused buffer for decoded text.
    var scratch: [UInt8] = []
    /// The names of the open elements while an element is skipped, innermost last.
    var openNames: [Range<Int>] = []
    /// The attribute names of the current start tag, for the duplicate check.
    var attributeNames: [Range<Int>] = []
    /// Beyond a few attributes, the names by hash, so the check stays linear in the tag's size.
    var attributeNamesByHash: [Int: [Range<Int>]] = [:]

    /// A lexer at the start of `bytes`; `context` names the input in error messages.
    init(bytes: UnsafeRawBufferPointer, context: String) {
        self.bytes = bytes
        self.end = bytes.count
        self.context = context
    }

    // MARK: Errors

    /// A `.malformedDocument` error saying `what` went wrong at byte `i` and which byte is there
    /// (or that the input ended).
    @inline(never)
    func malformed(_ what: String, at i: Int) -> DeviceCloudProtocolError {
        .malformedDocument(self.context, what, at: i, end: self.end, found: i < self.end ? self.bytes[i] : nil)
    }

    // MARK: Primitives

    /// The byte at `k`, or 0 past the end.
    @inline(__always)
    func peek(_ k: Int) -> UInt8 {
        k < self.end ? self.bytes[k] : 0
    }

    /// Whether `b` is XML whitespace: space, line feed, tab or carriage return.
    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D
    }

    /// Skips XML whitespace; returns whether there was any.
    @discardableResult
    @inline(__always)
    mutating func skipWhitespace() -> Bool {
        let start = self.i
        while self.i < self.end && Self.isWhitespace(self.bytes[self.i]) {
            self.i += 1
        }
        return self.i != start
    }

    /// Whether the bytes at `k` start with `literal`.
    @inline(__always)
    func hasPrefix(_ literal: StaticString, at k: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard self.end - k >= count else { return false }
        let literalBytes = UnsafeRawBufferPointer(start: literal.utf8Start, count: count)
        for n in 0..<count where self.bytes[k + n] != literalBytes[n] {
            return false
        }
        return true
    }

    /// Whether `range` holds exactly `literal`.
    @inline(__always)
    func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && self.hasPrefix(literal, at: range.lowerBound)
    }

    /// Whether two ranges hold the same bytes.
    func equals(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        for n in 0..<a.count where self.bytes[a.lowerBound + n] != self.bytes[b.lowerBound + n] {
            return false
        }
        return true
    }

    /// The raw bytes of `range` as a String.
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[range]), as: UTF8.self)
    }
}
