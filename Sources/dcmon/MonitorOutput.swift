import Foundation
import DeviceCloudProtocol
import NIOCore

/// How monitors are printed: a table for people, JSON for scripts. The transport token and the
/// values of `monTransportHeaders` are printed as `<redacted>` unless `showSecrets` is set.
enum MonitorOutput {
    static func visibleElements(_ record: MonitorRecord, showSecrets: Bool = false) -> [(name: String, text: String)] {
        guard !showSecrets else { return record.elements() }
        return record.elements().map { element in
            switch element.name {
            case MonitorElement.transportToken:
                return (element.name, "<redacted>")
            case MonitorElement.transportHeaders:
                return (element.name, self.redactedHeaderLines(element.text))
            default:
                return element
            }
        }
    }

    /// `Name: value` lines with every value replaced by `<redacted>`.
    static func redactedHeaderLines(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map { line in
            guard let colon = line.firstIndex(of: ":") else { return "<redacted>" }
            return "\(line[..<colon]): <redacted>"
        }.joined(separator: "\n")
    }

    static func json(_ record: MonitorRecord, showSecrets: Bool = false) -> String {
        var buffer = ByteBuffer()
        buffer.writeString("{")
        for (index, element) in self.visibleElements(record, showSecrets: showSecrets).enumerated() {
            if index > 0 { buffer.writeString(",") }
            DocumentWriter.writeJSONString(element.name, into: &buffer)
            buffer.writeString(":")
            DocumentWriter.writeJSONString(element.text, into: &buffer)
        }
        buffer.writeString("}")
        return String(buffer: buffer)
    }

    static func details(_ record: MonitorRecord, showSecrets: Bool = false) -> String {
        let elements = self.visibleElements(record, showSecrets: showSecrets)
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
