import DeviceCloudProtocol
import Foundation
import Testing

/// The relay's lag metric reads event times with the protocol layer's timestamp parser.
@Suite("Event times for the lag metric")
struct EventTimeTests {
    @Test(
        "the service's ISO-8601 times read as Foundation reads them",
        arguments: [
            "2016-06-08T15:41:00.000Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59.500Z", "2026-12-01T01:05:56.123+01:00",
            "1999-12-31T22:00:00-02:30", "2100-03-01T00:00:00.000Z", "1969-07-20T20:17:40Z",
        ]
    )
    func matchesFoundation(text: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        let expected = try #require(formatter.date(from: text)).timeIntervalSince1970
        let parsed = try #require(ResourceTimestamp.epochMilliseconds(fromText: text))
        #expect(Int64((expected * 1000).rounded()) == parsed)
    }

    @Test("text that is not a time gives nil", arguments: ["", "soon", "2016-06-08", "2016-06-08T15:41:00.Z", "2016-06-08T15:41:00+x"])
    func rejects(text: String) {
        #expect(ResourceTimestamp.epochMilliseconds(fromText: text) == nil)
    }
}
