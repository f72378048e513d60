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
            // Each element level handles its own children and errors; written out on the hot path.
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
            // Each element level handles its own children and errors; written out on the hot path.
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
