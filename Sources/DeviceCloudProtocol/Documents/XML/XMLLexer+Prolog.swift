// What surrounds the root element, for ``XMLLexer``: the byte order mark, the XML declaration
// and what may come before and after the root element (comments, processing instructions,
// whitespace).

extension XMLLexer {
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
        let quote = try self.openQuotedValue("in the XML declaration")
        let valueStart = self.i
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
}
