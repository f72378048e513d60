import DeviceCloudProtocol
import NIOCore

/// Payloads shaped like the service's: blocks of DataPoint events, JSON or XML, zlib or none.
enum Workloads {
    /// `count` DataPoint insertions, about 360 bytes each as JSON.
    static func dataPoints(_ count: Int) -> [DocumentWriter.Event] {
        (0..<count).map { index in
            DocumentWriter.Event(
                topic: "7603/DataPoint/00000000-00000000-00409DFF-FF458726/temperature",
                operation: .insertion,
                timestamp: "2015-06-14T18:37:27.815Z",
                resourceType: "DataPoint",
                resource: .object([
                    ("cstId", .number("7603")),
                    ("data", .number("\(20 + Double(index) / 100)")),
                    ("description", .string("")),
                    ("id", .string("684572e0-12c4-11e5-8507-fa163ed4\(String(format: "%04x", index))")),
                    ("quality", .number("0")),
                    ("serverTimestamp", .number("\(1434307047694 + index)")),
                    ("streamId", .string("00000000-00000000-00409DFF-FF458726/temperature")),
                    ("streamType", .string("DOUBLE")),
                    ("streamUnits", .string("C")),
                    ("timestamp", .number("\(1434307047694 + index)")),
                ])
            )
        }
    }

    /// One block of `events` events.
    static func block(id: UInt16 = 0, events: Int, format: PayloadFormat, compression: PayloadCompression) -> PublishMessage {
        do {
            return try BlockEncoder.publishMessage(
                blockID: id,
                events: self.dataPoints(events),
                format: format,
                compression: compression
            )
        } catch {
            fatalError("cannot build a benchmark block: \(error)")
        }
    }

    /// `blocks` consecutive frames of the same block, ids counting up, in one buffer.
    static func frames(_ message: PublishMessage, blocks: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity((message.payload.readableBytes + 16) * blocks)
        var block = message
        for index in 0..<blocks {
            block.blockID = UInt16(truncatingIfNeeded: index)
            do {
                try PushFrameEncoder.write(.publishMessage(block), into: &buffer)
            } catch {
                fatalError("cannot encode a benchmark frame: \(error)")
            }
        }
        return buffer
    }

    /// The blocks of a case, e.g. "100 events" in 1 block or "1 event" in 100 blocks:
    /// every case moves the same number of events per iteration.
    static func caseName(events: Int, format: PayloadFormat, compression: PayloadCompression) -> String {
        "\(events == 1 ? "1 event" : "\(events) events")/block \(format) \(compression)"
    }
}
