public import NIOCore

/// Writes event documents in the service's JSON and XML shapes.
///
/// The inverse of ``DocumentDecoder``: the simulator publishes what this writes, and tests and
/// benchmarks build payloads with it.
public enum DocumentWriter {
    /// One event to write.
    public struct Event: Sendable, Hashable {
        /// The concrete topic, e.g. `7603/DataPoint/test`.
        public var topic: String
        /// The operation, e.g. `INSERTION`.
        public var operation: MonitorEvent.Operation
        /// ISO-8601 UTC timestamp.
        public var timestamp: String
        /// The group; the service sends `*` for most events.
        public var group: String?
        /// The resource element's name, e.g. `DataPoint`.
        public var resourceType: String
        /// The resource's fields.
        public var resource: ResourceValue

        // Written out: Swift synthesises no public memberwise initialiser.
        /// Creates an event.
        public init(
            topic: String,
            operation: MonitorEvent.Operation,
            timestamp: String,
            group: String? = "*",
            resourceType: String,
            resource: ResourceValue
        ) {
            self.topic = topic
            self.operation = operation
            self.timestamp = timestamp
            self.group = group
            self.resourceType = resourceType
            self.resource = resource
        }
    }

    /// Writes a document with the given events in `format`.
    ///
    /// A single event is written with `Msg` as an object (JSON) as the service does; several as an array.
    public static func document(_ events: [Event], format: PayloadFormat) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(events.count * 400 + 64)
        switch format {
        case .json: self.writeJSON(events, into: &buffer)
        case .xml: self.writeXML(events, into: &buffer)
        }
        return buffer
    }

    private static func writeJSON(_ events: [Event], into buffer: inout ByteBuffer) {
        buffer.writeString(#"{"Document":{"#)
        if !events.isEmpty {
            buffer.writeString(#""Msg":"#)
            if events.count > 1 { buffer.writeString("[") }
            for (index, event) in events.enumerated() {
                if index > 0 { buffer.writeString(",") }
                writeJSONMessage(event, into: &buffer)
            }
            if events.count > 1 { buffer.writeString("]") }
        }
        buffer.writeString("}}")
    }

    /// Writes one event as the JSON `Msg` object a document holds:
    /// `{"timestamp":…,"topic":…,"operation":…,"group":…,"DataPoint":{…}}`.
    public static func writeJSONMessage(_ event: Event, into buffer: inout ByteBuffer) {
        buffer.writeString(#"{"timestamp":"#)
        writeJSONString(event.timestamp, into: &buffer)
        buffer.writeString(#","topic":"#)
        writeJSONString(event.topic, into: &buffer)
        buffer.writeString(#","operation":"#)
        writeJSONString(event.operation.rawValue, into: &buffer)
        if let group = event.group {
            buffer.writeString(#","group":"#)
            writeJSONString(group, into: &buffer)
        }
        buffer.writeString(",")
        writeJSONString(event.resourceType, into: &buffer)
        buffer.writeString(":")
        writeJSONValue(event.resource, into: &buffer)
        buffer.writeString("}")
    }

    private static func writeJSONValue(_ value: ResourceValue, into buffer: inout ByteBuffer) {
        switch value {
        case .string(let text): writeJSONString(text, into: &buffer)
        case .number(let text): buffer.writeString(text)
        case .bool(let flag): buffer.writeString(flag ? "true" : "false")
        case .object(let fields):
            buffer.writeString("{")
            for (index, (key, field)) in fields.enumerated() {
                if index > 0 { buffer.writeString(",") }
                writeJSONString(key, into: &buffer)
                buffer.writeString(":")
                writeJSONValue(field, into: &buffer)
            }
            buffer.writeString("}")
        }
    }

    /// Writes `text` as a JSON string literal with the escapes JSON requires.
    public static func writeJSONString(_ text: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeString(#"\""#)
            case UInt8(ascii: "\\"): buffer.writeString(#"\\"#)
            case 0x0A: buffer.writeString(#"\n"#)
            case 0x0D: buffer.writeString(#"\r"#)
            case 0x09: buffer.writeString(#"\t"#)
            case 0..<0x20:
                buffer.writeString(#"\u00"#)
                buffer.writeInteger(hexDigit(byte >> 4))
                buffer.writeInteger(hexDigit(byte & 0xF))
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static func writeXML(_ events: [Event], into buffer: inout ByteBuffer) {
        buffer.writeString("<Document>")
        for event in events {
            buffer.writeString("<Msg topic=\"")
            writeXMLEscaped(event.topic, into: &buffer)
            buffer.writeString("\" operation=\"")
            writeXMLEscaped(event.operation.rawValue, into: &buffer)
            buffer.writeString("\" timestamp=\"")
            writeXMLEscaped(event.timestamp, into: &buffer)
            if let group = event.group {
                buffer.writeString("\" group=\"")
                writeXMLEscaped(group, into: &buffer)
            }
            buffer.writeString("\">")
            writeXMLElement(event.resourceType, event.resource, into: &buffer)
            buffer.writeString("</Msg>")
        }
        buffer.writeString("</Document>")
    }

    private static func writeXMLElement(_ name: String, _ value: ResourceValue, into buffer: inout ByteBuffer) {
        buffer.writeString("<\(name)>")
        switch value {
        case .string(let text), .number(let text): writeXMLEscaped(text, into: &buffer)
        case .bool(let flag): buffer.writeString(flag ? "true" : "false")
        case .object(let fields):
            for (key, field) in fields {
                writeXMLElement(key, field, into: &buffer)
            }
        }
        buffer.writeString("</\(name)>")
    }

    /// Writes `text` with the five XML special characters escaped.
    public static func writeXMLEscaped(_ text: String, into buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): buffer.writeString("&amp;")
            case UInt8(ascii: "<"): buffer.writeString("&lt;")
            case UInt8(ascii: ">"): buffer.writeString("&gt;")
            case UInt8(ascii: "\""): buffer.writeString("&quot;")
            case UInt8(ascii: "'"): buffer.writeString("&apos;")
            default: buffer.writeInteger(byte)
            }
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
