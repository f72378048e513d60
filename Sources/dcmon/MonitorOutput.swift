import Foundation
import DeviceCloudProtocol
import NIOCore

/// How monitors are printed: a table for people, JSON for scripts. Tokens are never printed.
enum MonitorOutput {
    static func visibleElements(_ record: MonitorRecord) -> [(name: String, text: String)] {
        record.elements().map { element in
            element.name == MonitorElement.transportToken ? (element.name, "<redacted>") : element
        }
    }

    static func json(_ record: MonitorRecord) -> String {
        var buffer = ByteBuffer()
        buffer.writeString("{")
        for (index, element) in self.visibleElements(record).enumerated() {
            if index > 0 { buffer.writeString(",") }
            DocumentWriter.writeJSONString(element.name, into: &buffer)
            buffer.writeString(":")
            DocumentWriter.writeJSONString(element.text, into: &buffer)
        }
        buffer.writeString("}")
        return String(buffer: buffer)
    }

    static func details(_ record: MonitorRecord) -> String {
        let elements = self.visibleElements(record)
        let width = elements.map(\.name.count).max() ?? 0
        return elements.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.text }
            .joined(separator: "\n")
    }

    static func table(_ records: [MonitorRecord]) -> String {
        let header = ["ID", "TRANSPORT", "STATUS", "FORMAT", "TOPICS"]
        let rows = records.map { record in
            [
                String(record.id),
                record.definition.transportType?.rawValue ?? "-",
                record.status?.rawValue ?? "-",
                record.definition.format?.rawValue ?? "-",
                (record.definition.topics ?? []).joined(separator: ","),
            ]
        }
        let all = [header] + rows
        let widths = (0..<header.count).map { column in all.map { $0[column].count }.max() ?? 0 }
        var lines = all.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        lines.append("\(records.count) monitor\(records.count == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
