import DeviceCloudProtocol
import Testing

@Suite("Open enumerations of monitor elements")
struct OpenEnumerationTests {
    @Test("known texts read case-insensitively and write back as the service spells them; others are kept as sent")
    func readAndWrite() {
        Self.check(MonitorAckOption.self, known: [(.explicit, "explicit"), (.off, "off")])
        Self.check(MonitorHTTPMethod.self, known: [(.put, "PUT"), (.post, "POST")])
        Self.check(MonitorTransportType.self, known: [(.tcp, "tcp"), (.http, "http")])
        Self.check(MonitorCompression.self, known: [(.uncompressed, "none"), (.zlib, "zlib"), (.gzip, "gzip")])
        Self.check(MonitorFormat.self, known: [(.xml, "xml"), (.json, "json")])
        Self.check(
            MonitorStatus.self,
            known: [(.connecting, "CONNECTING"), (.active, "ACTIVE"), (.inactive, "INACTIVE"), (.suspended, "SUSPENDED"), (.disabled, "DISABLED")]
        )
    }

    private static func check<Value: OpenEnumeration>(_ type: Value.Type, known: [(Value, String)]) {
        for (value, text) in known {
            #expect(Value(rawValue: text) == value)
            #expect(Value(rawValue: text.uppercased()) == value)
            #expect(Value(rawValue: text.lowercased()) == value)
            #expect(value.rawValue == text)
            #expect(value.description == text)
        }
        let odd = Value(rawValue: "Hibernating-2")
        #expect(odd == .unrecognized("Hibernating-2"))
        #expect(odd?.rawValue == "Hibernating-2")
        #expect(Value.unrecognized("").rawValue == "")
        #expect(Value.recognized.count == known.count)
    }
}
