import Foundation
public import NIOCore

extension MonitorListPage {
    /// Reads the JSON answer (`Accept: application/json`).
    ///
    /// Every value is a string in the service's answers; numbers and booleans are accepted too.
    /// Unknown keys are tolerated, `null` values skipped.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/malformedDocument``.
    public init(json body: ByteBuffer) throws(DeviceCloudProtocolError) {
        let wire: JSONListWire
        do {
            wire = try JSONDecoder().decode(JSONListWire.self, from: Data(body.readableBytesView))
        } catch {
            throw DeviceCloudProtocolError(.malformedDocument, "the monitor list is not the expected JSON: \(error)")
        }
        var items: [MonitorRecord] = []
        items.reserveCapacity(wire.items.count)
        for item in wire.items {
            items.append(try MonitorRecord(elements: item.compactMapValues(\.text)))
        }
        self.init(counters: wire.counters.compactMapValues(\.text), items: items)
    }

    /// The JSON answer, every value a string as the service writes it.
    public func jsonDocument() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256 + self.items.count * 512)
        buffer.writeString("{")
        for (name, value) in self.counters {
            DocumentWriter.writeJSONString(name, into: &buffer)
            buffer.writeString(":")
            DocumentWriter.writeJSONString(String(value), into: &buffer)
            buffer.writeString(",")
        }
        buffer.writeString("\"items\":[")
        for (index, item) in self.items.enumerated() {
            if index > 0 { buffer.writeString(",") }
            buffer.writeString("{")
            for (position, element) in item.elements().enumerated() {
                if position > 0 { buffer.writeString(",") }
                DocumentWriter.writeJSONString(element.name, into: &buffer)
                buffer.writeString(":")
                DocumentWriter.writeJSONString(element.text, into: &buffer)
            }
            buffer.writeString("}")
        }
        buffer.writeString("]}")
        return buffer
    }
}

/// The JSON list: counters at the top level beside `items`.
private struct JSONListWire: Decodable {
    var counters: [String: LooseJSONText] = [:]
    var items: [[String: LooseJSONText]] = []

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "items" {
                self.items = try container.decodeIfPresent([[String: LooseJSONText]].self, forKey: key) ?? []
            } else {
                self.counters[key.stringValue] = try container.decode(LooseJSONText.self, forKey: key)
            }
        }
    }
}

/// A JSON scalar read as text; `nil` for `null`, objects and arrays.
private struct LooseJSONText: Decodable {
    var text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self.text = nil
        } else if let text = try? container.decode(String.self) {
            self.text = text
        } else if let integer = try? container.decode(Int64.self) {
            self.text = String(integer)
        } else if let flag = try? container.decode(Bool.self) {
            self.text = flag ? "true" : "false"
        } else if let number = try? container.decode(Double.self) {
            self.text = String(number)
        } else {
            self.text = nil
        }
    }
}
