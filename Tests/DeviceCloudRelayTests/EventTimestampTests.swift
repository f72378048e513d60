@testable import DeviceCloudRelay
import Foundation
import Testing

@Suite("Event times for the lag metric")
struct EventTimestampTests {
    @Test(
        "reads the service's ISO-8601 times as Foundation does",
        arguments: [
            "2016-06-08T15:41:00.000Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59.5Z", "2026-12-01T01:05:56.123+01:00",
            "1999-12-31T22:00:00-02:30", "2100-03-01T00:00:00.000Z", "1969-07-20T20:17:40Z",
        ]
    )
    func matchesFoundation(text: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        let expected = try #require(formatter.date(from: text)).timeIntervalSince1970
        let parsed = try #require(EventTimestamp.secondsSince1970(text))
        #expect(abs(parsed - expected) < 0.001)
    }

    @Test(
        "anything else is not a time",
        arguments: ["", "2016-06-08", "2016-06-08T15:41:00", "2016-13-08T15:41:00Z", "2016-06-08T25:41:00Z", "2016-06-08T15:41:00.Z",
            "2016-06-08T15:41:00Zjunk", "x016-06-08T15:41:00Z", "2016-06-08T15:41:00+1"]
    )
    func rejects(text: String) {
        #expect(EventTimestamp.secondsSince1970(text) == nil)
    }
}
