import DeviceCloud
import DeviceCloudProtocol
import Foundation
import NIOCore

/// Writes events as JSON lines: `{"monitor":…,"block":…,"topic":…,"operation":…,"timestamp":…,
/// "group":…,"resourceType":…,"body":…}`. JSON bodies are embedded as they arrived; XML bodies
/// become a JSON string.
enum EventOutput {
    static func append(_ event: MonitorEvent, of batch: MonitorBatch, to buffer: inout ByteBuffer) {
        self.append(event, monitorID: batch.monitorID, blockID: batch.blockID, to: &buffer)
    }

    /// One event as a JSON line; `blockID` is left out when `nil` (saved events have none).
    static func append(_ event: MonitorEvent, monitorID: UInt32, blockID: UInt16?, to buffer: inout ByteBuffer) {
        buffer.writeString(#"{"monitor":\#(monitorID),"#)
        if let blockID { buffer.writeString(#""block":\#(blockID),"#) }
        buffer.writeString(#""topic":"#)
        DocumentWriter.writeJSONString(event.topic, into: &buffer)
        buffer.writeString(#","operation":"#)
        DocumentWriter.writeJSONString(event.operation.rawValue, into: &buffer)
        if let timestamp = event.timestamp {
            buffer.writeString(#","timestamp":"#)
            DocumentWriter.writeJSONString(timestamp, into: &buffer)
        }
        if let group = event.group {
            buffer.writeString(#","group":"#)
            DocumentWriter.writeJSONString(group, into: &buffer)
        }
        buffer.writeString(#","resourceType":"#)
        DocumentWriter.writeJSONString(event.resourceType, into: &buffer)
        buffer.writeString(#","body":"#)
        switch event.format {
        case .json: buffer.writeImmutableBuffer(event.body)
        case .xml: DocumentWriter.writeJSONString(String(buffer: event.body), into: &buffer)
        }
        buffer.writeString("}\n")
    }

    static func write(_ buffer: ByteBuffer) {
        FileHandle.standardOutput.write(Data(buffer.readableBytesView))
    }
}
