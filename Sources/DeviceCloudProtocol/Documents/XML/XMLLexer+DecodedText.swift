// Decoded text for ``XMLLexer``: attribute values and character data with their references
// replaced and their whitespace or line ends normalised as XML requires, built in the lexer's
// reused scratch buffer.

extension XMLLexer {
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
}
