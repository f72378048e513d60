import DeviceCloudProtocol
import Foundation
import NIOCore
import Testing

/// Timestamps in `/ws/Monitor` documents and conditions are written in the calendar they are
/// read in, so every date reads back as itself.
@Suite("Monitor timestamps: written as they are read")
struct MonitorTimestampTests {
    /// Found by the FuzzMonitorResponses fuzz target: a page whose `monLastConnect` is before
    /// October 1582 moved by days on every write and read (it was read in the proleptic
    /// Gregorian calendar and written by Foundation's ISO-8601 style, in the Julian one).
    @Test("a list page with a date before 1582 writes and reads back unchanged")
    func earlyDateRoundTrip() throws {
        let answer = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <result><resultSize>1</resultSize><Monitor><monId>178008</monId><monTopic>DataPoint</monTopic>\
            <monLastConnect>1007-07-09T20:31:23.000Z</monLastConnect></Monitor></result>
            """
        let page = try MonitorListPage(xml: ByteBuffer(string: answer))
        let json = try MonitorListPage(json: page.jsonDocument())
        let xml = try MonitorListPage(xml: page.xmlDocument())
        #expect(json == page)
        #expect(xml == page)
        #expect(String(buffer: page.jsonDocument()).contains(#""monLastConnect":"1007-07-09T20:31:23Z""#))
    }

    @Test(
        "every timestamp text reads and writes back as itself",
        arguments: [
            "0001-01-01T00:00:00Z",
            "1007-07-09T20:31:23Z",
            "1582-10-04T23:59:59.999Z",
            "1582-10-15T00:00:00Z",
            "1600-02-29T12:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "1970-01-01T00:00:00.001Z",
            "2014-07-09T20:31:23.500Z",
            "9999-12-31T23:59:59.999Z",
        ]
    )
    func timestampTextRoundTrip(text: String) throws {
        let record = try MonitorRecord(elements: ["monId": "1", "monLastConnect": text])
        let date = try #require(record.lastConnect)
        #expect(record.elements().first { $0.name == "monLastConnect" }?.text == text)
        #expect((MonitorField.lastConnect > date).compiled == "monLastConnect>'\(text)'")
    }
}
