import DeviceCloudProtocol
public import Foundation

extension DataPointWrite {
    /// The stored point as the service publishes it: a new `id`, `serverTimestamp` now, and an
    /// `INSERTION` event on `{cstId}/DataPoint/{streamId}`.
    public func raisedEvent(customerID: Int, now: Date = Date()) -> RaisedEvent {
        let serverMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        let clientMillis = self.timestamp.flatMap(Self.milliseconds(from:)) ?? serverMillis
        var fields: [(String, ResourceValue)] = [
            ("cstId", .number("\(customerID)")),
            ("data", Double(self.data) != nil ? .number(self.data) : .string(self.data)),
            ("description", .string(self.description ?? "")),
            ("id", .string(UUID().uuidString.lowercased())),
            ("quality", .number(self.quality.flatMap { Int($0) }.map(String.init) ?? "0")),
            ("serverTimestamp", .number("\(serverMillis)")),
            ("streamId", .string(self.streamId)),
            ("streamUnits", .string(self.streamUnits ?? "")),
            ("timestamp", .number("\(clientMillis)")),
        ]
        if let streamType = self.streamType { fields.append(("streamType", .string(streamType))) }
        if let location = self.location {
            let parts = location.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            if parts.count >= 2, Double(parts[0]) != nil, Double(parts[1]) != nil {
                var value: [(String, ResourceValue)] = [("latitude", .number(parts[0])), ("longitude", .number(parts[1]))]
                if parts.count > 2, Double(parts[2]) != nil { value.append(("elevation", .number(parts[2]))) }
                fields.append(("location", .object(value)))
            }
        }
        return RaisedEvent(
            resourceType: "DataPoint",
            path: self.streamId,
            operation: .insertion,
            resource: .object(fields),
            timestamp: Self.iso8601(now)
        )
    }

    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(timeZone: .gmt)

    static func milliseconds(from text: String) -> Int64? {
        if let millis = Int64(text) { return millis }
        let date = (try? Self.withFraction.parse(text)) ?? (try? Self.withoutFraction.parse(text))
        return date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    /// `2026-11-25T12:00:00.000Z`.
    public static func iso8601(_ date: Date) -> String {
        Self.withFraction.format(date)
    }
}
