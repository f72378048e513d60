// Attributes for ``XMLLexer``: reading a start tag's attributes one by one, and rejecting a
// repeated name in time linear in the tag's size.

extension XMLLexer {
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
        let quote = try self.openQuotedValue("after an attribute name")
        let valueStart = self.i
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

    /// Reads `=` and the opening quote after a name (attribute or XML declaration), with
    /// whitespace allowed around `=`; leaves ``i`` on the value's first byte and returns the
    /// quote, `"` or `'`. `place` says where, for the error.
    mutating func openQuotedValue(_ place: String) throws(DeviceCloudProtocolError) -> UInt8 {
        self.skipWhitespace()
        guard self.peek(self.i) == 0x3D else {  // =
            throw self.malformed("expected '=' \(place)", at: self.i)
        }
        self.i += 1
        self.skipWhitespace()
        let quote = self.peek(self.i)
        guard quote == 0x22 || quote == 0x27 else {
            throw self.malformed("expected a quoted value \(place)", at: self.i)
        }
        self.i += 1
        return quote
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
}
