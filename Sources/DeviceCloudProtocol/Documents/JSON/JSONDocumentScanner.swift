import NIOCore

/// Splits a JSON push document, `{"Document":{"Msg": <object or array of objects>}}`, into
/// ``MonitorEvent``s without building a JSON tree.
///
/// The scanner walks the readable bytes once. It validates the whole document as strict JSON
/// (RFC 8259: string escapes including surrogate pairs, UTF-8, number grammar, literals,
/// nesting up to ``maximumDepth``, nothing after the top-level value), reads the envelope
/// fields of each `Msg` entry into Strings and keeps the resource value as a slice of the
/// input buffer (no copy).
///
/// Rules for a `Msg` entry (an object, keys in any order):
/// - `topic` and `operation` are required strings; `timestamp` and `group` are optional
///   strings (`null` counts as absent). A later duplicate of one of these keys wins.
/// - The resource is the first other key whose value is an object; when no other key has an
///   object value, the first other key whatever its value. Remaining keys are skipped.
///   The key is the ``MonitorEvent/resourceType`` and the raw value bytes the
///   ``MonitorEvent/body``.
///
/// Envelope rules: the top-level object must hold `Document` (other top-level keys are
/// skipped); `Document` may be an object, `null` or a string holding only whitespace (the
/// last two are keep-alives, as is an object without `Msg`); `Msg` may be an object, an
/// array of objects or `null`.
enum JSONDocumentScanner {
    /// The deepest nesting of objects and arrays accepted, counted from the document's root.
    static let maximumDepth = 512

    /// Scans `document`'s readable bytes; see the type's documentation for the rules.
    static func events(in document: ByteBuffer, limits: PushLimits) throws(DeviceCloudProtocolError) -> [MonitorEvent] {
        let result = document.withUnsafeReadableBytes { bytes -> Result<[MonitorEvent], DeviceCloudProtocolError> in
            var parser = JSONEnvelopeParser(bytes: bytes, document: document, limits: limits)
            do throws(DeviceCloudProtocolError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// The single-pass parser behind ``JSONDocumentScanner``.
///
/// All reads of the input go through ``JSONCursor``, which checks bounds.
struct JSONEnvelopeParser {
    /// The document's bytes, read through bounds-checked helpers.
    let input: JSONCursor
    /// The buffer the bytes belong to, of which the event bodies are slices.
    let document: ByteBuffer
    /// The caps to enforce while scanning.
    let limits: PushLimits
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []
    /// Kinds of the open containers beyond the 64th level while skipping a value (`true` = object).
    var containerStack: [Bool] = []
    /// The tokens of the previous event's string fields (see ``parseMsgEntry(at:into:)``);
    /// they describe `events.last` of the array being filled.
    var previous = (
        topic: StringToken.absent,
        timestamp: StringToken.absent,
        group: StringToken.absent,
        resourceType: StringToken.absent
    )

    /// A parser of `bytes`, the readable bytes of `document`.
    init(bytes: UnsafeRawBufferPointer, document: ByteBuffer, limits: PushLimits) {
        self.input = JSONCursor(bytes)
        self.document = document
        self.limits = limits
    }

    /// Parses one Msg object at `start` (`bytes[start] == '{'`), appends its event and returns
    /// the index after the object.
    ///
    /// String fields are made once the entry is complete, from the recorded tokens; a field
    /// whose bytes equal the same field of the previous event reuses that event's String (no
    /// allocation: events of one block often share topic, timestamp, group and resource type).
    mutating func parseMsgEntry(at start: Int, into events: inout [MonitorEvent]) throws(DeviceCloudProtocolError) -> Int {
        var topic = StringToken.absent
        var operation = StringToken.absent
        var timestamp = StringToken.absent
        var group = StringToken.absent
        // Resource candidates: key token and value bounds.
        var objectResource: (key: StringToken, value: Int, valueEnd: Int)?
        var otherResource: (key: StringToken, value: Int, valueEnd: Int)?

        var i = self.input.skipWhitespace(start + 1)
        var more = self.input.peek(i) != JSONByte.closeBrace
        if !more { i += 1 }
        while more {
            let key: (open: Int, close: Int, escaped: Bool, value: Int)
            let field: JSONCursor.EnvelopeField
            if let known = self.input.knownEnvelopeKey(at: i) {
                key = (i, known.close, false, known.value)
                field = known.field
            } else {
                key = try self.input.readMemberKey(at: i)
                field =
                    key.escaped
                    ? self.envelopeFieldOfEscapedKey(key.open, key.close)
                    : self.input.envelopeField(key.open, key.close)
            }
            let v = key.value
            switch field {
            case .topic, .operation, .timestamp, .group:
                var token = StringToken.absent
                switch self.input.peek(v) {
                case JSONByte.quote:
                    let (close, escaped) = try self.input.scanString(quoteAt: v)
                    token = StringToken(open: v, close: close, escaped: escaped)
                    i = close + 1
                case 0x6E where field == .timestamp || field == .group:  // null
                    i = try self.input.skipLiteral("null", at: v)
                default:
                    throw self.input.malformed("\"\(field)\" must be a string", at: v)
                }
                switch field {
                case .topic: topic = token
                case .operation: operation = token
                case .timestamp: timestamp = token
                default: group = token
                }
            case .other:
                let isObject = self.input.peek(v) == JSONByte.openBrace
                i = try self.input.skipValue(at: v, depth: 4, overflow: &self.containerStack)
                let keyToken = StringToken(open: key.open, close: key.close, escaped: key.escaped)
                if isObject {
                    if objectResource == nil {
                        objectResource = (keyToken, v, i)
                    }
                } else if otherResource == nil {
                    otherResource = (keyToken, v, i)
                }
            }
            (more, i) = try self.input.afterMember(i)
        }

        guard topic.isPresent else {
            throw self.input.malformedEntry("has no \"topic\"", entryAt: start)
        }
        guard operation.isPresent else {
            throw self.input.malformedEntry("has no \"operation\"", entryAt: start)
        }
        guard let resource = objectResource ?? otherResource else {
            throw self.input.malformedEntry("has no resource element", entryAt: start)
        }
        guard
            let body = self.document.getSlice(
                at: self.document.readerIndex + resource.value,
                length: resource.valueEnd - resource.value
            )
        else {
            // Unreachable: the bounds come from the readable bytes themselves.
            throw self.input.malformedEntry("has a resource outside the buffer", entryAt: start)
        }

        let last = events.count - 1
        let previous = self.previous
        self.previous = (topic, timestamp, group, resource.key)
        let operationValue =
            operation.escaped
            ? MonitorEvent.Operation(rawValue: self.makeString(operation))
            : MonitorEvent.Operation.interned(self.input.bytes, operation.open + 1, operation.close)
        events.append(
            MonitorEvent(
                topic: self.sameBytes(topic, previous.topic) ? events[last].topic : self.makeString(topic),
                operation: operationValue,
                timestamp: !timestamp.isPresent
                    ? nil
                    : self.sameBytes(timestamp, previous.timestamp)
                        ? events[last].timestamp : self.makeString(timestamp),
                group: !group.isPresent
                    ? nil : self.sameBytes(group, previous.group) ? events[last].group : self.makeString(group),
                resourceType: self.sameBytes(resource.key, previous.resourceType)
                    ? events[last].resourceType : self.makeString(resource.key),
                body: body,
                format: .json
            )
        )
        return i
    }
}
