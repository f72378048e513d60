// Markup that carries no content for ``XMLLexer``: comments, CDATA sections and processing
// instructions.

extension XMLLexer {
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
}
