// The envelope of a JSON push document, read by ``JSONEnvelopeParser``: the top-level object,
// its `Document` value and the `Msg` value where the events are (an object, an array of
// objects or `null`), with the event limit checked before each entry. Each entry is handed to
// ``JSONEnvelopeParser/parseMsgEntry(at:into:)``; every other value is validated and skipped.

extension JSONEnvelopeParser {
    // MARK: Document structure

    /// Parses the whole document (after a byte order mark, if any) and returns its events.
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
            // Each object level names its own key, depth and errors; written out on the hot path.
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
        // Each object level names its own key, depth and errors; written out on the hot path.
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

    /// Throws `.tooManyEvents` when `count` events already fill the limit and another one starts
    /// at byte `i`.
    @inline(__always)
    func checkEventLimit(_ count: Int, at i: Int) throws(DeviceCloudProtocolError) {
        guard count < self.limits.maximumEventsPerBatch else {
            throw DeviceCloudProtocolError(
                .tooManyEvents,
                "JSON document: more than \(self.limits.maximumEventsPerBatch) events (limit reached at byte \(i))"
            )
        }
    }
}
