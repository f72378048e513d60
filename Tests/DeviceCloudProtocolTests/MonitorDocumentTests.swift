import DeviceCloudProtocol
import Foundation
import NIOCore
import Testing

@Suite("Monitor documents: <Monitor> bodies, list pages, create results")
struct MonitorDocumentTests {
    private static let everything = MonitorDefinition(
        topics: ["DataPoint[U]", "DeviceCore[I,D]", "FileData/logs"],
        transportType: .http,
        format: .json,
        batchSize: 250,
        batchDuration: .seconds(7),
        compression: .zlib,
        acknowledgement: .explicit,
        autoReplayOnConnect: true,
        description: "tank <7> & \"north\" 'wing'\r\nline two\ttab",
        transportURL: "https://example.test/hook?a=1&b=2",
        transportToken: "hook-user:p&ss<w>rd",
        transportMethod: .post,
        transportHeaders: ["X-Trace": "on & off", "Authorization-Extra": "Bearer abc"],
        connectTimeout: .milliseconds(1500),
        responseTimeout: .seconds(3)
    )

    @Test("every element is written escaped and reads back equal")
    func definitionRoundTrip() throws {
        let document = try Self.everything.xmlDocument()
        let text = String(buffer: document)
        #expect(text.hasPrefix("<Monitor><monTopic>DataPoint[U],DeviceCore[I,D],FileData/logs</monTopic>"))
        #expect(text.contains("<monDescription>tank &lt;7&gt; &amp; &quot;north&quot; &apos;wing&apos;&#13;\nline two\ttab</monDescription>"))
        #expect(text.contains("<monTransportUrl>https://example.test/hook?a=1&amp;b=2</monTransportUrl>"))
        #expect(text.contains("<monTransportToken>hook-user:p&amp;ss&lt;w&gt;rd</monTransportToken>"))
        #expect(text.contains("<monBatchDuration>7</monBatchDuration>"))
        #expect(text.contains("<monConnectTimeout>1500</monConnectTimeout><monResponseTimeout>3000</monResponseTimeout>"))
        #expect(try MonitorDefinition(xml: document) == Self.everything)
    }

    @Test("only the elements set are written")
    func sparse() throws {
        let document = try MonitorDefinition(topics: ["DataPoint"], transportType: .tcp).xmlDocument()
        #expect(String(buffer: document) == "<Monitor><monTopic>DataPoint</monTopic><monTransportType>tcp</monTransportType></Monitor>")
    }

    @Test(
        "values an element cannot carry are refused",
        arguments: [
            MonitorDefinition(topics: []),
            MonitorDefinition(topics: ["a,b"]),
            MonitorDefinition(batchSize: -1),
            MonitorDefinition(batchDuration: .milliseconds(1500)),
            MonitorDefinition(batchDuration: .seconds(-1)),
            MonitorDefinition(connectTimeout: .microseconds(1500)),
            MonitorDefinition(transportHeaders: ["X-A": "one\r\nX-Injected: two"]),
            MonitorDefinition(transportHeaders: ["Bad Name": "x"]),
            MonitorDefinition(description: "bell \u{7}"),
        ]
    )
    func unwritable(_ definition: MonitorDefinition) {
        #expect(throws: DeviceCloudProtocolError.self) { try definition.xmlDocument() }
    }

    @Test("the sample create body reads with every element")
    func sampleCreateBody() throws {
        let definition = try MonitorDefinition(xml: try fixture("ws-monitor-create-tcp.xml"))
        #expect(definition.topics == ["DeviceCore", "XbeeCore"])
        #expect(definition.transportType == .tcp)
        #expect(definition.format == .json)
        #expect(definition.batchSize == 100)
        #expect(definition.compression == .uncompressed)
        #expect(definition.batchDuration == .seconds(10))
        #expect(definition.acknowledgement == .explicit)
        #expect(definition.autoReplayOnConnect == true)
    }

    @Test("malformed bodies are refused", arguments: ["<Monitor>", "<Other/>", "<Monitor><monBatchSize>ten</monBatchSize></Monitor>", ""])
    func malformedBody(_ text: String) {
        #expect(throws: DeviceCloudProtocolError.self) { try MonitorDefinition(xml: ByteBuffer(string: text)) }
    }

    @Test("the sample JSON list reads with numbers as numbers and enums as enums")
    func sampleList() throws {
        let page = try MonitorListPage(json: try fixture("ws-monitor-list.json"))
        #expect(page.totalRows == 2 && page.resultSize == 2 && page.requestedSize == 1000 && page.remainingSize == 0)
        let first = try #require(page.items.first)
        #expect(first.id == 178_007)
        #expect(first.customerID == 7603)
        #expect(first.topics == ["DeviceCore", "FileDataCore", "FileData", "DataPoint"])
        #expect(first.transportType == .tcp)
        #expect(first.format == .json)
        #expect(first.batchSize == 1)
        #expect(first.compression == .zlib)
        #expect(first.status == .inactive)
        #expect(first.batchDuration == .seconds(10))
        #expect(page.items[1].transportType == .http)
        #expect(page.items[1].batchDuration == .zero)
    }

    @Test("unknown keys, unknown values and odd scalars are tolerated and kept")
    func tolerantList() throws {
        let json = """
            {"resultTotalRows":3,"remainingSize":"0","future":{"x":1},"items":[
             {"monId":"5","monStatus":"HIBERNATING","monCompression":"brotli","monBatchSize":12,
              "monAutoReplayOnConnect":true,"monNewThing":"kept","monLastConnect":"2015-06-14T18:37:27.815Z",
              "monLastSent":"yesterday","monDescription":null,"nested":{"a":1}}]}
            """
        let page = try MonitorListPage(json: ByteBuffer(string: json))
        let record = try #require(page.items.first)
        #expect(record.status == .unrecognized("HIBERNATING"))
        #expect(record.compression == .unrecognized("brotli"))
        #expect(record.compression?.payloadCompression == nil)
        #expect(record.batchSize == 12)
        #expect(record.autoReplayOnConnect == true)
        #expect(record.lastConnect == Date(timeIntervalSince1970: 1_434_307_047.815))
        #expect(record.lastSent == nil)
        #expect(record.additionalElements == ["monNewThing": "kept", "monLastSent": "yesterday"])
        #expect(record.description == nil)
        #expect(page.totalRows == 3)
    }

    @Test("a list page round-trips through JSON and XML")
    func pageRoundTrip() throws {
        var record = MonitorRecord(id: 42, customerID: 7603, definition: Self.everything, status: .suspended)
        record.lastConnect = Date(timeIntervalSince1970: 1_434_307_047.815)
        record.additionalElements = ["monExtra": "x < y"]
        let page = MonitorListPage(slicing: [record, MonitorRecord(id: 43, definition: MonitorDefinition(topics: ["Job"]))], start: 0, size: 1)
        #expect(page.totalRows == 2 && page.resultSize == 1 && page.remainingSize == 1)
        #expect(try MonitorListPage(json: page.jsonDocument()) == page)
        #expect(try MonitorListPage(xml: page.xmlDocument()) == page)
    }

    @Test("the create result reads, ISO-8859-1 declaration included")
    func createResult() throws {
        #expect(try MonitorCreationResult(xml: try fixture("ws-monitor-create-result.xml")).monitorID == 178_008)
        let written = MonitorCreationResult(monitorID: 9).xmlDocument()
        #expect(try MonitorCreationResult(xml: written).monitorID == 9)
        #expect(throws: DeviceCloudProtocolError.self) {
            try MonitorCreationResult(xml: ByteBuffer(string: "<result><location>Monitor/</location></result>"))
        }
    }

    @Test("printing a definition or record never shows the token or header values")
    func redaction() {
        let record = MonitorRecord(id: 1, definition: Self.everything)
        for text in [String(describing: record), String(reflecting: record), String(describing: Self.everything), Self.dumped(record)] {
            #expect(!text.contains("p&ss<w>rd"))
            #expect(!text.contains("Bearer abc"))
            #expect(text.contains("<redacted>"))
        }
    }

    @Test("topics split at commas outside brackets only")
    func topics() throws {
        let record = try MonitorRecord(elements: ["monId": "1", "monTopic": " DeviceCore[I,D] , DataPoint/a,b[U] "])
        #expect(record.topics == ["DeviceCore[I,D]", "DataPoint/a", "b[U]"])
    }

    private static func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }
}
