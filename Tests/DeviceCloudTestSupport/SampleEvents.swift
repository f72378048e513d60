public import DeviceCloudProtocol

/// DataPoint events shaped like the service's, for tests.
public enum SampleEvents {
    /// `count` DataPoint insertions on `stream`, numbered from `first`.
    public static func dataPoints(_ count: Int, stream: String = "test", first: Int = 0) -> [DocumentWriter.Event] {
        (first..<first + count).map { index in
            DocumentWriter.Event(
                topic: "7603/DataPoint/\(stream)",
                operation: .insertion,
                timestamp: "2015-06-14T18:37:27.815Z",
                resourceType: "DataPoint",
                resource: .object([
                    ("cstId", .number("7603")),
                    ("data", .number("\(index)")),
                    ("description", .string("point \(index)")),
                    ("id", .string("684572e0-12c4-11e5-8507-\(String(index, radix: 16))")),
                    ("quality", .number("0")),
                    ("serverTimestamp", .number("1434307047694")),
                    ("streamId", .string(stream)),
                    ("streamUnits", .string("C")),
                    ("timestamp", .number("1434307047694")),
                ])
            )
        }
    }

    /// A block of DataPoint events.
    public static func block(
        _ blockID: UInt16,
        events count: Int = 1,
        first: Int = 0,
        format: PayloadFormat = .json,
        compression: PayloadCompression = .none
    ) throws -> PublishMessage {
        try BlockEncoder.publishMessage(
            blockID: blockID,
            events: dataPoints(count, first: first),
            format: format,
            compression: compression
        )
    }
}
