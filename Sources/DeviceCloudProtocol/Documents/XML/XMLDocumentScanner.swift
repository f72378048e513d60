import NIOCore

/// Splits an XML push document into ``MonitorEvent``s without building a tree:
/// `<Document><Msg topic="…" operation="…" timestamp="…" group="…"><Resource>…</Resource></Msg>…</Document>`
///
/// The scanner walks the readable bytes once and checks well-formedness (XML 1.0 with the
/// predefined entities only): matching tags, quoted attributes without duplicates, valid
/// character and entity references, comments, CDATA sections and processing instructions,
/// legal characters and UTF-8, nesting up to ``maximumDepth``, nothing but comments,
/// processing instructions and whitespace around the root element. A `<!DOCTYPE …>` is
/// rejected (no entity definitions, so no entity expansion). An XML declaration, if any,
/// must come first, declare version 1.0 and name UTF-8 or US-ASCII (or no encoding).
///
/// Rules: the root element must be `Document`. Each `Msg` child is one event: `topic` and
/// `operation` attributes are required, `timestamp` and `group` optional, others ignored;
/// attribute values are entity-decoded and whitespace-normalised as XML requires. The first
/// child element of `Msg` is the resource: its name is the ``MonitorEvent/resourceType`` and
/// its bytes, from `<` to the end of its end tag (or of `/>`), the ``MonitorEvent/body``.
/// Text, further child elements of `Msg` and children of `Document` other than `Msg` are
/// checked and skipped.
enum XMLDocumentScanner {
    /// The deepest nesting of elements accepted, counted from the root element.
    static let maximumDepth = 512

    /// Scans `document`'s readable bytes; see the type's documentation for the rules.
    static func events(in document: ByteBuffer, limits: PushLimits) throws(DeviceCloudProtocolError) -> [MonitorEvent] {
        let result = document.withUnsafeReadableBytes { bytes -> Result<[MonitorEvent], DeviceCloudProtocolError> in
            var scanner = XMLEnvelopeScanner(
                lexer: XMLLexer(bytes: bytes, context: "XML document"),
                document: document,
                limits: limits
            )
            do throws(DeviceCloudProtocolError) {
                return .success(try scanner.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

// MARK: - Envelope

private struct XMLEnvelopeScanner {
    var lexer: XMLLexer
    let document: ByteBuffer
    let limits: PushLimits

    mutating func parseDocument() throws(DeviceCloudProtocolError) -> [MonitorEvent] {
        try self.lexer.skipProlog()
        guard case .startTag(_, let rootName) = try self.lexer.nextContentToken() else {
            // `skipProlog` stops only at an element's `<`.
            throw self.lexer.malformed("expected the root element", at: self.lexer.i)
        }
        guard self.lexer.equals(rootName, "Document") else {
            throw self.lexer.malformed(
                "the root element must be <Document>, not <\(self.lexer.string(rootName))>",
                at: rootName.lowerBound
            )
        }
        while try self.lexer.nextAttribute() != nil {}
        var events: [MonitorEvent] = []
        if !self.lexer.tagSelfClosing {
            content: while true {
                switch try self.lexer.nextContentToken() {
                case .text, .cdata:
                    continue
                case .startTag(let tagStart, let name):
                    if self.lexer.equals(name, "Msg") {
                        guard events.count < self.limits.maximumEventsPerBatch else {
                            throw DeviceCloudProtocolError(
                                .tooManyEvents,
                                "XML document: more than \(self.limits.maximumEventsPerBatch) events "
                                    + "(limit reached at byte \(tagStart))"
                            )
                        }
                        events.append(try self.parseMsg(tagStart: tagStart))
                    } else {
                        _ = try self.lexer.skipRestOfElement(name: name, depth: 2)
                    }
                case .endTag(let name):
                    try self.lexer.checkEndTag(name, matches: rootName)
                    break content
                case .end:
                    throw self.lexer.malformed("<Document> is not closed", at: self.lexer.end)
                }
            }
        }
        try self.lexer.skipEpilog()
        return events
    }

    /// Parses a `Msg` element whose start tag's name has just been read.
    mutating func parseMsg(tagStart: Int) throws(DeviceCloudProtocolError) -> MonitorEvent {
        var topic: String?
        var operation: MonitorEvent.Operation?
        var timestamp: String?
        var group: String?
        while let attribute = try self.lexer.nextAttribute() {
            let name = attribute.name
            switch name.count {
            case 5 where self.lexer.equals(name, "topic"):
                topic = self.lexer.attributeValue(attribute)
            case 5 where self.lexer.equals(name, "group"):
                group = self.lexer.attributeValue(attribute)
            case 9 where self.lexer.equals(name, "operation"):
                if attribute.needsDecoding {
                    operation = MonitorEvent.Operation(rawValue: self.lexer.attributeValue(attribute))
                } else {
                    operation = MonitorEvent.Operation.interned(
                        self.lexer.bytes,
                        attribute.value.lowerBound,
                        attribute.value.upperBound
                    )
                }
            case 9 where self.lexer.equals(name, "timestamp"):
                timestamp = self.lexer.attributeValue(attribute)
            default:
                continue
            }
        }
        var resource: (start: Int, name: Range<Int>, end: Int)?
        if !self.lexer.tagSelfClosing {
            content: while true {
                switch try self.lexer.nextContentToken() {
                case .text, .cdata:
                    continue
                case .startTag(let childStart, let childName):
                    let childEnd = try self.lexer.skipRestOfElement(name: childName, depth: 3)
                    if resource == nil {
                        resource = (childStart, childName, childEnd)
                    }
                case .endTag(let name):
                    guard self.lexer.equals(name, "Msg") else {
                        throw self.lexer.malformed(
                            "end tag </\(self.lexer.string(name))> does not match <Msg>",
                            at: name.lowerBound
                        )
                    }
                    break content
                case .end:
                    throw self.lexer.malformed("<Msg> is not closed", at: self.lexer.end)
                }
            }
        }
        guard let topic else {
            throw DeviceCloudProtocolError(
                .malformedDocument, "XML document: the <Msg> at byte \(tagStart) has no topic attribute")
        }
        guard let operation else {
            throw DeviceCloudProtocolError(
                .malformedDocument,
                "XML document: the <Msg> at byte \(tagStart) has no operation attribute"
            )
        }
        guard let resource else {
            throw DeviceCloudProtocolError(
                .malformedDocument, "XML document: the <Msg> at byte \(tagStart) has no resource element")
        }
        guard
            let body = self.document.getSlice(
                at: self.document.readerIndex + resource.start,
                length: resource.end - resource.start
            )
        else {
            // Unreachable: the bounds come from the readable bytes themselves.
            throw DeviceCloudProtocolError(
                .malformedDocument, "XML document: resource at byte \(resource.start) is out of bounds")
        }
        return MonitorEvent(
            topic: topic,
            operation: operation,
            timestamp: timestamp,
            group: group,
            resourceType: self.lexer.string(resource.name),
            body: body,
            format: .xml
        )
    }
}

// MARK: - Lexer

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

    let bytes: UnsafeRawBufferPointer
    let end: Int
    /// The read position.
    var i: Int = 0
    /// Names the messages' origin, e.g. "XML document".
    let context: String
    /// Whether the start tag whose attributes were just read ended with `/>`.
    var tagSelfClosing = false
    var scratch: [UInt8] = []
    var openNames: [Range<Int>] = []
    /// The attribute names of the current start tag, for the duplicate check.
    var attributeNames: [Range<Int>] = []
    /// Beyond a few attributes, the names by hash, so the check stays linear in the tag's size.
    var attributeNamesByHash: [Int: [Range<Int>]] = [:]

    init(bytes: UnsafeRawBufferPointer, context: String) {
        self.bytes = bytes
        self.end = bytes.count
        self.context = context
    }

    // MARK: Errors

    @inline(never)
    func malformed(_ what: String, at i: Int) -> DeviceCloudProtocolError {
        if i >= self.end {
            return DeviceCloudProtocolError(
                .malformedDocument,
                "\(self.context): unexpected end of input at byte \(self.end) (\(what))"
            )
        }
        let byte = self.bytes[i]
        let shown: String
        if byte >= 0x20 && byte < 0x7F {
            shown = "'\(Character(Unicode.Scalar(byte)))'"
        } else {
            shown = "0x" + String(byte, radix: 16, uppercase: true)
        }
        return DeviceCloudProtocolError(.malformedDocument, "\(self.context): \(what) at byte \(i), found \(shown)")
    }

    // MARK: Primitives

    @inline(__always)
    func peek(_ k: Int) -> UInt8 {
        k < self.end ? self.bytes[k] : 0
    }

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

    @inline(__always)
    static func isNameStart(_ b: UInt8) -> Bool {
        // A–Z, a–z, '_', ':', or the lead byte of a non-ASCII character.
        (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x5F || b == 0x3A || b >= 0x80
    }

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

    static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x1_0000...0x10_FFFF: true
        default: false
        }
    }

    // MARK: Markup

    /// Skips the comment at ``i`` (`<!--`).
    mutating func skipComment() throws(DeviceCloudProtocolError) {
        let start = self.i
        var k = self.i + 4
        while k < self.end {
            if self.bytes[k] == 0x2D && self.peek(k + 1) == 0x2D {  // --
                guard self.peek(k + 2) == 0x3E else {
                    throw self.malformed("'--' is not allowed inside a comment", at: k)
                }
                self.i = k + 3
                return
            }
            k = try self.skipCharacter(at: k)
        }
        throw self.malformed("unterminated comment starting at byte \(start)", at: self.end)
    }

    /// Skips the CDATA section at ``i`` (`<![CDATA[`) and returns its content.
    mutating func scanCDATA() throws(DeviceCloudProtocolError) -> Range<Int> {
        let start = self.i
        let contentStart = self.i + 9
        var k = contentStart
        while k < self.end {
            if self.bytes[k] == 0x5D && self.hasPrefix("]]>", at: k) {
                self.i = k + 3
                return contentStart..<k
            }
            k = try self.skipCharacter(at: k)
        }
        throw self.malformed("unterminated CDATA section starting at byte \(start)", at: self.end)
    }

    /// Skips the processing instruction at ``i`` (`<?`), which must not be an XML declaration.
    mutating func skipProcessingInstruction() throws(DeviceCloudProtocolError) {
        let start = self.i
        self.i += 2
        let target = try self.parseName("a processing instruction target")
        if target.count == 3 && self.bytes[target.lowerBound] | 0x20 == 0x78
            && self.bytes[target.lowerBound + 1] | 0x20 == 0x6D && self.bytes[target.lowerBound + 2] | 0x20 == 0x6C
        {
            throw self.malformed("an XML declaration is allowed only at the very start", at: start)
        }
        if self.hasPrefix("?>", at: self.i) {
            self.i += 2
            return
        }
        guard self.skipWhitespace() else {
            throw self.malformed("expected whitespace or '?>' in a processing instruction", at: self.i)
        }
        var k = self.i
        while k < self.end {
            if self.bytes[k] == 0x3F && self.peek(k + 1) == 0x3E {
                self.i = k + 2
                return
            }
            k = try self.skipCharacter(at: k)
        }
        throw self.malformed("unterminated processing instruction starting at byte \(start)", at: self.end)
    }

    /// Skips a byte order mark, the XML declaration, and then comments, processing
    /// instructions and whitespace up to the root element's `<`.
    mutating func skipProlog() throws(DeviceCloudProtocolError) {
        if self.end >= 3 && self.bytes[0] == 0xEF && self.bytes[1] == 0xBB && self.bytes[2] == 0xBF {
            self.i = 3  // UTF-8 byte order mark
        }
        if self.hasPrefix("<?xml", at: self.i) && Self.isWhitespace(self.peek(self.i + 5)) {
            try self.parseXMLDeclaration()
        }
        while true {
            self.skipWhitespace()
            guard self.peek(self.i) == 0x3C else {
                throw self.malformed("expected the root element", at: self.i)
            }
            if self.hasPrefix("<!--", at: self.i) {
                try self.skipComment()
            } else if self.peek(self.i + 1) == 0x3F {
                try self.skipProcessingInstruction()
            } else if self.hasPrefix("<!DOCTYPE", at: self.i) {
                throw self.malformed("a document type declaration is not supported", at: self.i)
            } else {
                return
            }
        }
    }

    /// Parses `<?xml version="1.x" encoding="…" standalone="…"?>` at ``i``.
    mutating func parseXMLDeclaration() throws(DeviceCloudProtocolError) {
        let start = self.i
        self.i += 5
        guard let version = try self.declarationPseudoAttribute("version") else {
            throw self.malformed("the XML declaration must start with a version", at: self.i)
        }
        guard self.equals(version, "1.0") else {
            throw self.malformed("unsupported XML version (only 1.0 is read)", at: version.lowerBound)
        }
        if let encoding = try self.declarationPseudoAttribute("encoding") {
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[encoding]), as: UTF8.self)
            switch name.lowercased() {
            case "utf-8", "utf8", "us-ascii", "ascii":
                break
            default:
                throw self.malformed("unsupported encoding \"\(name)\" (only UTF-8 is read)", at: encoding.lowerBound)
            }
        }
        if let standalone = try self.declarationPseudoAttribute("standalone") {
            guard self.equals(standalone, "yes") || self.equals(standalone, "no") else {
                throw self.malformed("standalone must be yes or no", at: standalone.lowerBound)
            }
        }
        self.skipWhitespace()
        guard self.hasPrefix("?>", at: self.i) else {
            throw self.malformed("expected '?>' to end the XML declaration starting at byte \(start)", at: self.i)
        }
        self.i += 2
    }

    /// Reads ` name = "value"` of the XML declaration when `name` comes next; otherwise
    /// leaves ``i`` unchanged and returns `nil`.
    mutating func declarationPseudoAttribute(_ name: StaticString) throws(DeviceCloudProtocolError) -> Range<Int>? {
        let saved = self.i
        guard self.skipWhitespace(), self.hasPrefix(name, at: self.i) else {
            self.i = saved
            return nil
        }
        self.i += name.utf8CodeUnitCount
        self.skipWhitespace()
        guard self.peek(self.i) == 0x3D else {
            throw self.malformed("expected '=' in the XML declaration", at: self.i)
        }
        self.i += 1
        self.skipWhitespace()
        let quote = self.peek(self.i)
        guard quote == 0x22 || quote == 0x27 else {
            throw self.malformed("expected a quoted value in the XML declaration", at: self.i)
        }
        let valueStart = self.i + 1
        var k = valueStart
        while k < self.end && self.bytes[k] != quote {
            let b = self.bytes[k]
            // Version numbers, encoding names and yes/no use only these characters.
            guard
                (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F
                    || b == 0x2D
            else {
                throw self.malformed("invalid character in the XML declaration", at: k)
            }
            k += 1
        }
        guard k < self.end, k > valueStart else {
            throw self.malformed("invalid value in the XML declaration", at: k)
        }
        self.i = k + 1
        return valueStart..<k
    }

    /// After the root element: only whitespace, comments and processing instructions.
    mutating func skipEpilog() throws(DeviceCloudProtocolError) {
        while true {
            self.skipWhitespace()
            if self.i >= self.end { return }
            if self.hasPrefix("<!--", at: self.i) {
                try self.skipComment()
            } else if self.hasPrefix("<?", at: self.i) {
                try self.skipProcessingInstruction()
            } else {
                throw self.malformed("unexpected content after the root element", at: self.i)
            }
        }
    }

    // MARK: Content

    /// Reads the next piece of content; comments and processing instructions are skipped.
    mutating func nextContentToken() throws(DeviceCloudProtocolError) -> ContentToken {
        while true {
            guard self.i < self.end else { return .end }
            guard self.bytes[self.i] == 0x3C else {  // <
                let start = self.i
                let hasReference = try self.scanCharacterData()
                return .text(start..<self.i, hasReference: hasReference)
            }
            switch self.peek(self.i + 1) {
            case 0x2F:  // </
                self.i += 2
                let name = try self.parseName("an element name in an end tag")
                self.skipWhitespace()
                guard self.peek(self.i) == 0x3E else {
                    throw self.malformed("expected '>' to end the end tag", at: self.i)
                }
                self.i += 1
                return .endTag(name: name)
            case 0x21:  // <!
                if self.hasPrefix("<!--", at: self.i) {
                    try self.skipComment()
                    continue
                }
                if self.hasPrefix("<![CDATA[", at: self.i) {
                    return .cdata(try self.scanCDATA())
                }
                throw self.malformed("unexpected markup declaration", at: self.i)
            case 0x3F:  // <?
                try self.skipProcessingInstruction()
                continue
            default:
                let tagStart = self.i
                self.i += 1
                let name = try self.parseName("an element name")
                self.attributeNames.removeAll(keepingCapacity: true)
                if !self.attributeNamesByHash.isEmpty {
                    self.attributeNamesByHash.removeAll(keepingCapacity: true)
                }
                self.tagSelfClosing = false
                return .startTag(tagStart: tagStart, name: name)
            }
        }
    }

    /// Validates character data from ``i`` up to the next `<` (or the end); returns whether
    /// it contains references.
    mutating func scanCharacterData() throws(DeviceCloudProtocolError) -> Bool {
        let start = self.i
        var hasReference = false
        var k = self.i
        defer { self.i = k }
        while k < self.end {
            let b = self.bytes[k]
            if b >= 0x20 && b < 0x80 {
                switch b {
                case 0x3C:  // <
                    return hasReference
                case 0x26:  // &
                    k = try self.reference(at: k).next
                    hasReference = true
                    continue
                case 0x3E where k - start >= 2 && self.bytes[k - 1] == 0x5D && self.bytes[k - 2] == 0x5D:
                    throw self.malformed("']]>' is not allowed in character data", at: k - 2)
                default:
                    k += 1
                }
            } else {
                k = try self.skipCharacter(at: k)
            }
        }
        return hasReference
    }

    /// Reads the next attribute of the current start tag, or `nil` at its end (setting
    /// ``tagSelfClosing``). Rejects duplicate attribute names.
    mutating func nextAttribute() throws(DeviceCloudProtocolError) -> Attribute? {
        let hadSpace = self.skipWhitespace()
        switch self.peek(self.i) {
        case 0x3E:  // >
            self.i += 1
            self.tagSelfClosing = false
            return nil
        case 0x2F:  // /
            guard self.peek(self.i + 1) == 0x3E else {
                throw self.malformed("expected '/>'", at: self.i)
            }
            self.i += 2
            self.tagSelfClosing = true
            return nil
        default:
            break
        }
        guard hadSpace else {
            throw self.malformed("expected whitespace, '>' or '/>' in a start tag", at: self.i)
        }
        let name = try self.parseName("an attribute name, '>' or '/>'")
        try self.recordAttributeName(name)
        self.skipWhitespace()
        guard self.peek(self.i) == 0x3D else {  // =
            throw self.malformed("expected '=' after an attribute name", at: self.i)
        }
        self.i += 1
        self.skipWhitespace()
        let quote = self.peek(self.i)
        guard quote == 0x22 || quote == 0x27 else {
            throw self.malformed("expected a quoted attribute value", at: self.i)
        }
        let valueStart = self.i + 1
        var k = valueStart
        var needsDecoding = false
        while true {
            guard k < self.end else {
                throw self.malformed("unterminated attribute value", at: k)
            }
            let b = self.bytes[k]
            if b == quote { break }
            if b >= 0x20 && b < 0x80 {
                if b == 0x3C {
                    throw self.malformed("'<' is not allowed in an attribute value", at: k)
                }
                if b == 0x26 {
                    k = try self.reference(at: k).next
                    needsDecoding = true
                } else {
                    k += 1
                }
            } else {
                if b < 0x20 { needsDecoding = true }  // whitespace that normalises to a space
                k = try self.skipCharacter(at: k)
            }
        }
        self.i = k + 1
        return Attribute(name: name, value: valueStart..<k, needsDecoding: needsDecoding)
    }

    /// Remembers an attribute name of the current start tag; rejects a repeated one.
    mutating func recordAttributeName(_ name: Range<Int>) throws(DeviceCloudProtocolError) {
        let linearLimit = 16
        if self.attributeNames.count < linearLimit {
            for previous in self.attributeNames where self.equals(previous, name) {
                throw self.malformed("duplicate attribute \(self.string(name))", at: name.lowerBound)
            }
            self.attributeNames.append(name)
            return
        }
        if self.attributeNamesByHash.isEmpty {
            for previous in self.attributeNames {
                self.attributeNamesByHash[self.hash(previous), default: []].append(previous)
            }
        }
        let key = self.hash(name)
        for previous in self.attributeNamesByHash[key, default: []] where self.equals(previous, name) {
            throw self.malformed("duplicate attribute \(self.string(name))", at: name.lowerBound)
        }
        self.attributeNamesByHash[key, default: []].append(name)
    }

    /// A hash of the bytes in `range`.
    func hash(_ range: Range<Int>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: self.bytes[range]))
        return hasher.finalize()
    }

    /// The decoded value of an attribute: references replaced, tab, line feed and carriage
    /// return (a CR LF pair counts once) normalised to a space.
    mutating func attributeValue(_ attribute: Attribute) -> String {
        guard attribute.needsDecoding else {
            return self.string(attribute.value)
        }
        self.decode(attribute.value, normalizeWhitespace: true)
        return String(decoding: self.scratch, as: UTF8.self)
    }

    /// Character data with references replaced and line ends normalised to line feeds.
    mutating func text(_ range: Range<Int>) -> String {
        self.decode(range, normalizeWhitespace: false)
        return String(decoding: self.scratch, as: UTF8.self)
    }

    /// Decodes validated content into ``scratch``.
    mutating func decode(_ range: Range<Int>, normalizeWhitespace: Bool) {
        self.scratch.removeAll(keepingCapacity: true)
        var k = range.lowerBound
        while k < range.upperBound {
            let b = self.bytes[k]
            switch b {
            case 0x26:  // &
                guard let (next, scalar) = try? self.reference(at: k) else {
                    self.scratch.append(b)
                    k += 1
                    continue
                }
                UTF8Validation.append(scalar: scalar, to: &self.scratch)
                k = next
            case 0x0D:
                self.scratch.append(normalizeWhitespace ? 0x20 : 0x0A)
                k += 1
                if k < range.upperBound && self.bytes[k] == 0x0A { k += 1 }
            case 0x0A, 0x09:
                self.scratch.append(normalizeWhitespace ? 0x20 : b)
                k += 1
            default:
                self.scratch.append(b)
                k += 1
            }
        }
    }

    /// Line-end normalised content of a CDATA section (no references inside).
    mutating func cdataText(_ range: Range<Int>) -> String {
        self.scratch.removeAll(keepingCapacity: true)
        var k = range.lowerBound
        while k < range.upperBound {
            let b = self.bytes[k]
            k += 1
            if b == 0x0D {
                self.scratch.append(0x0A)
                if k < range.upperBound && self.bytes[k] == 0x0A { k += 1 }
            } else {
                self.scratch.append(b)
            }
        }
        return String(decoding: self.scratch, as: UTF8.self)
    }

    /// Checks that an end tag closes the element named `open`.
    func checkEndTag(_ name: Range<Int>, matches open: Range<Int>) throws(DeviceCloudProtocolError) {
        guard self.equals(name, open) else {
            throw self.malformed(
                "end tag </\(self.string(name))> does not match <\(self.string(open))>",
                at: name.lowerBound
            )
        }
    }

    /// Validates and skips the rest of an element whose start tag's name was just read
    /// (attributes included); `depth` is that element's nesting level. Returns the index after
    /// its end tag (or after `/>`).
    mutating func skipRestOfElement(name: Range<Int>, depth: Int) throws(DeviceCloudProtocolError) -> Int {
        guard depth <= XMLDocumentScanner.maximumDepth else {
            throw self.malformed("nesting deeper than \(XMLDocumentScanner.maximumDepth) levels", at: name.lowerBound)
        }
        while try self.nextAttribute() != nil {}
        if self.tagSelfClosing { return self.i }
        self.openNames.removeAll(keepingCapacity: true)
        self.openNames.append(name)
        while true {
            switch try self.nextContentToken() {
            case .text, .cdata:
                continue
            case .startTag(_, let child):
                guard depth + self.openNames.count <= XMLDocumentScanner.maximumDepth else {
                    throw self.malformed(
                        "nesting deeper than \(XMLDocumentScanner.maximumDepth) levels",
                        at: child.lowerBound
                    )
                }
                while try self.nextAttribute() != nil {}
                if !self.tagSelfClosing {
                    self.openNames.append(child)
                }
            case .endTag(let closing):
                guard let open = self.openNames.last else {
                    // Unreachable: the loop returns when the stack empties.
                    throw self.malformed("unexpected end tag", at: closing.lowerBound)
                }
                try self.checkEndTag(closing, matches: open)
                self.openNames.removeLast()
                if self.openNames.isEmpty { return self.i }
            case .end:
                throw self.malformed("element <\(self.string(name))> is not closed", at: self.end)
            }
        }
    }
}
