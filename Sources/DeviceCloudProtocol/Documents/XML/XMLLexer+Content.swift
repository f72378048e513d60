// Element content for ``XMLLexer``: the next piece of content (text, CDATA, start or end tag),
// character data validation, end tag matching, and validating and skipping whole elements.

extension XMLLexer {
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
