// Members and whole values for ``JSONCursor``: reading or skipping an object member's key and
// colon, stepping past the `,` or `}` after a member, and validating a value of any depth
// without recursion.

extension JSONCursor {
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
}
