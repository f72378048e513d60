import DeviceCloudProtocol
public import Foundation
import NIOCore

/// Writes DataPoints (`POST /ws/DataPoint`), e.g. to make a monitor fire.
///
/// ```swift
/// try await cloud.dataPoints.write([DataPoints.Point(stream: "plant7/temperature", value: "21.5")])
/// ```
public struct DataPoints: Sendable {
    let cloud: DeviceCloud

    /// One value to write to a stream.
    public struct Point: Sendable, Hashable {
        /// The stream id, e.g. `plant7/temperature`.
        public var stream: String
        /// The value, as text (numbers as written).
        public var value: String
        /// Optional description.
        public var description: String?
        /// The client's timestamp; the service uses its own time when `nil`.
        public var timestamp: Date?
        /// Units, e.g. `C`.
        public var units: String?
        /// The value type, e.g. `DOUBLE`.
        public var type: String?

        /// Creates a point.
        public init(stream: String, value: String, description: String? = nil, timestamp: Date? = nil, units: String? = nil, type: String? = nil) {
            self.stream = stream
            self.value = value
            self.description = description
            self.timestamp = timestamp
            self.units = units
            self.type = type
        }
    }

    /// Writes the points in one request, as `<list><DataPoint>…</DataPoint>…</list>`.
    ///
    /// - Throws: ``DeviceCloudError``.
    public func write(_ points: [Point]) async throws {
        guard !points.isEmpty else { return }
        var body = ByteBuffer()
        body.writeString("<list>")
        for point in points {
            body.writeString("<DataPoint>")
            Self.element("streamId", point.stream, into: &body)
            Self.element("data", point.value, into: &body)
            if let description = point.description { Self.element("description", description, into: &body) }
            if let timestamp = point.timestamp { Self.element("timestamp", Self.iso8601(timestamp), into: &body) }
            if let units = point.units { Self.element("streamUnits", units, into: &body) }
            if let type = point.type { Self.element("streamType", type, into: &body) }
            body.writeString("</DataPoint>")
        }
        body.writeString("</list>")
        _ = try await self.cloud.rest.send(.post, path: "DataPoint", body: body)
    }

    private static func element(_ name: String, _ value: String, into body: inout ByteBuffer) {
        body.writeString("<\(name)>")
        DocumentWriter.writeXMLEscaped(value, into: &body)
        body.writeString("</\(name)>")
    }

    private static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

extension DeviceCloud {
    /// Writes DataPoints.
    public var dataPoints: DataPoints { DataPoints(cloud: self) }
}
