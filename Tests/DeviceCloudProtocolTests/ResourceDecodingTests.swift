import DeviceCloudProtocol
import Foundation
import NIOCore
import Testing

/// Decoding of event bodies into the typed resources and into user types, from JSON and XML.
struct ResourceDecodingTests {
    // MARK: DataPoint

    @Test func dataPointFromTheJSONSample() throws {
        let events = try DocumentDecoder.events(
            in: ByteBuffer(string: JSONDocumentScannerTests.datapointSingleSample),
            format: .json
        )
        let point = try events[0].decode(DataPoint.self)
        #expect(point.cstId == 7603)
        #expect(point.data == .double(0.411700824929))
        #expect(point.data?.doubleValue == 0.411700824929)
        #expect(point.description == "")
        #expect(point.id == "684572e0-12c4-11e5-8507-fa163ed4cf14")
        #expect(point.quality == 0)
        #expect(point.serverTimestamp == 1_434_307_047_694)
        #expect(point.streamId == "test")
        #expect(point.streamUnits == "")
        #expect(point.timestamp == 1_434_307_047_694)
        #expect(point.streamType == nil)
        #expect(point.location == nil)
    }

    @Test func dataPointFromXMLMatchesJSON() throws {
        let json = event(
            .json,
            #"{"cstId":7603,"data":21,"description":"boiler","id":"abc","quality":0,"#
                + #""serverTimestamp":1434307047694,"streamId":"plant7/temperature","streamUnits":"C","#
                + #""streamType":"INTEGER","timestamp":1434307047000,"location":"52.5,13.4,34.0"}"#
        )
        let xml = event(
            .xml,
            """
            <DataPoint>
              <cstId>7603</cstId><data>21</data><description>boiler</description><id>abc</id>
              <quality> 0 </quality><serverTimestamp>1434307047694</serverTimestamp>
              <streamId>plant7/temperature</streamId><streamUnits>C</streamUnits><streamType>INTEGER</streamType>
              <timestamp>2015-06-14T18:37:27Z</timestamp><location>52.5,13.4,34.0</location>
              <unknownElement><nested/></unknownElement>
            </DataPoint>
            """
        )
        let fromJSON = try json.decode(DataPoint.self)
        let fromXML = try xml.decode(DataPoint.self)
        #expect(fromJSON == fromXML)
        #expect(fromXML.data == .integer(21))
        #expect(fromXML.timestamp == 1_434_307_047_000)
        #expect(fromXML.location == DataPoint.Location(latitude: 52.5, longitude: 13.4, elevation: 34))
    }

    @Test func dataPointValueKinds() throws {
        func value(_ json: String) throws -> DataPoint.Value? {
            try event(.json, #"{"streamId":"s","data":"# + json + "}").decode(DataPoint.self).data
        }
        func xmlValue(_ text: String) throws -> DataPoint.Value? {
            try event(.xml, "<DataPoint><streamId>s</streamId><data>\(text)</data></DataPoint>").decode(DataPoint.self)
                .data
        }
        #expect(try value("42") == .integer(42))
        #expect(try value("-4.25e1") == .double(-42.5))
        #expect(try value(#""42""#) == .string("42"))
        #expect(try value("true") == .bool(true))
        #expect(try value("null") == nil)
        #expect(try xmlValue("42") == .integer(42))
        #expect(try xmlValue("0.5") == .double(0.5))
        #expect(try xmlValue("false") == .bool(false))
        #expect(try xmlValue("on &amp; off") == .string("on & off"))
        #expect(try xmlValue("nan") == .string("nan"))
        #expect(try xmlValue("") == nil)
        #expect(DataPoint.Value.integer(7).doubleValue == 7)
        #expect(DataPoint.Value.double(7).integerValue == 7)
        #expect(DataPoint.Value.string("x").description == "x")
    }

    @Test func dataPointLenientNumbersAndTimestamps() throws {
        let point = try event(
            .json,
            #"{"cstId":"7603","streamId":"s","quality":"1","timestamp":"2015-06-14T20:37:27.815+02:00","#
                + #""serverTimestamp":"1434307047694","location":{"latitude":1.5,"longitude":"2.5"}}"#
        ).decode(DataPoint.self)
        #expect(point.cstId == 7603)
        #expect(point.quality == 1)
        #expect(point.timestamp == 1_434_307_047_815)
        #expect(point.serverTimestamp == 1_434_307_047_694)
        #expect(point.location == DataPoint.Location(latitude: 1.5, longitude: 2.5))
    }

    @Test func dataPointEncodesToTheJSONShape() throws {
        let point = DataPoint(
            id: "x",
            cstId: 1,
            streamId: "s/t",
            data: .double(0.5),
            timestamp: 1_434_307_047_694,
            location: .init(latitude: 1, longitude: 2)
        )
        let data = try JSONEncoder().encode(point)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["timestamp"] as? Int == 1_434_307_047_694)
        #expect(object["location"] as? String == "1.0,2.0")
        let decoded = try event(.json, String(decoding: data, as: UTF8.self)).decode(DataPoint.self)
        #expect(decoded == point)
    }

    // MARK: DeviceCore

    @Test func deviceCoreFromTheCapturedPayloads() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/publish-message.bin"
        )
        let frames = ByteBuffer(bytes: try Data(contentsOf: url))
        for index in 0..<2 {
            let payload = try #require(frames.getSlice(at: index * 524 + 16, length: 508))
            let events = try DocumentDecoder.events(in: payload, format: .json)
            let device = try events[0].decode(DeviceCore.self)
            #expect(device.id == DeviceCore.Identifier(devId: 6283, devVersion: 0))
            #expect(device.devMac == "00:40:9D:45:87:26")
            #expect(device.devConnectwareId == "00000000-00000000-00409DFF-FF458726")
            #expect(device.cstId == 1654)
            #expect(device.grpId == 1654)
            #expect(device.devTerminated == false)
            #expect(device.dpDeviceType == "unknown")
            #expect(device.dpConnectionStatus == 0)
            #expect(device.dpRestrictedStatus == 0)
            #expect(device.dpCapabilities == 0)
            #expect(device.dpFirmwareLevel == 0)
            #expect(device.devEffectiveStartDate == "2012-04-16T21:43:00.000Z")
            #expect(device.devRecordStartDate == "2012-04-16T21:43:00.000Z")
            #expect(device.dpDescription == nil)

            // The same record in XML decodes to the same value.
            let xml = event(
                .xml,
                """
                <DeviceCore><devEffectiveStartDate>2012-04-16T21:43:00.000Z</devEffectiveStartDate>
                <dpDeviceType>unknown</dpDeviceType><dpRestrictedStatus>0</dpRestrictedStatus>
                <dpConnectionStatus>0</dpConnectionStatus><devRecordStartDate>2012-04-16T21:43:00.000Z</devRecordStartDate>
                <dpCapabilities>0</dpCapabilities><grpId>1654</grpId><dpFirmwareLevel>0</dpFirmwareLevel>
                <id><devVersion>0</devVersion><devId>6283</devId></id><devMac>00:40:9D:45:87:26</devMac>
                <devConnectwareId>00000000-00000000-00409DFF-FF458726</devConnectwareId><cstId>1654</cstId>
                <devTerminated>false</devTerminated></DeviceCore>
                """
            )
            #expect(try xml.decode(DeviceCore.self) == device)
        }
    }

    @Test func deviceCoreNeedsItsIdentity() {
        let error = #expect(throws: DeviceCloudProtocolError.self) {
            try event(.xml, "<DeviceCore>...</DeviceCore>").decode(DeviceCore.self)
        }
        #expect(error?.code == .unsupportedResourceDecoding)
        #expect(error?.message.contains("\"id\"") == true)
    }

    // MARK: FileData

    @Test func fileDataFromJSONAndXML() throws {
        let json = event(
            .json,
            #"{"id":{"fdPath":"/db/7603/","fdName":"a&b.txt"},"cstId":7603,"fdSize":5,"fdType":"file","#
                + #""fdContentType":"text/plain","fdLastModifiedDate":"2015-06-14T18:37:27.815Z","fdData":"aGVsbG8="}"#
        )
        let xml = event(
            .xml,
            """
            <FileData><id><fdPath>/db/7603/</fdPath><fdName>a&amp;b.txt</fdName></id><cstId>7603</cstId>
            <fdSize>5</fdSize><fdType>file</fdType><fdContentType>text/plain</fdContentType>
            <fdLastModifiedDate>2015-06-14T18:37:27.815Z</fdLastModifiedDate><fdData>aGVs
            bG8=</fdData></FileData>
            """
        )
        let fromJSON = try json.decode(FileData.self)
        let fromXML = try xml.decode(FileData.self)
        #expect(fromJSON.id == FileData.Identifier(fdPath: "/db/7603/", fdName: "a&b.txt"))
        #expect(fromJSON.content == Data("hello".utf8))
        #expect(fromXML.content == Data("hello".utf8))
        #expect(fromXML.id == fromJSON.id)
        #expect(fromXML.fdSize == 5)
        #expect(fromXML.fdLastModifiedDate == fromJSON.fdLastModifiedDate)
        #expect(FileData(id: .init(fdPath: "/", fdName: "x")).content == nil)
    }

    // MARK: User types

    struct Reading: Decodable, Equatable {
        struct Sensor: Decodable, Equatable {
            var name: String
            var channel: UInt8
        }

        var id: Int64
        var label: String
        var note: String?
        var missing: Int?
        var ratio: Float
        var active: Bool
        var sensor: Sensor
        var tags: [String]
        var at: Date
        var since: Date
        var raw: Data?
    }

    @Test func userTypesDecodeFromBothFormats() throws {
        let json = event(
            .json,
            #"{"id":9,"label":"a <b> & \"c\"","note":"","ratio":0.5,"active":true,"#
                + #""sensor":{"name":"t1","channel":3},"tags":["x","y"],"at":"2015-06-14T18:37:27.815Z","#
                + #""since":1434307047815,"raw":"AQI="}"#
        )
        let xml = event(
            .xml,
            """
            <Reading id="9">
              <label>a &lt;b&gt; &amp; <![CDATA["c"]]></label>
              <note></note>
              <ratio>0.5</ratio><active>true</active>
              <sensor name="t1"><channel>3</channel></sensor>
              <tags><tag>x</tag><!-- comment --><tag>y</tag></tags>
              <at>2015-06-14T18:37:27.815Z</at><since>1434307047815</since><raw>AQI=</raw>
            </Reading>
            """
        )
        let expected = Reading(
            id: 9,
            label: "a <b> & \"c\"",
            note: "",
            missing: nil,
            ratio: 0.5,
            active: true,
            sensor: .init(name: "t1", channel: 3),
            tags: ["x", "y"],
            at: Date(timeIntervalSince1970: 1_434_307_047.815),
            since: Date(timeIntervalSince1970: 1_434_307_047.815),
            raw: Data([1, 2])
        )
        #expect(try json.decode(Reading.self) == expected)
        #expect(try xml.decode(Reading.self) == expected)
        // Type inference from the context.
        let inferred: Reading = try xml.decode()
        #expect(inferred == expected)
    }

    @Test func dictionariesAndArraysOfStructsFromXML() throws {
        struct Item: Decodable, Equatable {
            var value: Int
        }
        let body = event(.xml, "<List><a><value>1</value></a><b><value>2</value></b></List>")
        #expect(try body.decode([String: Item].self) == ["a": Item(value: 1), "b": Item(value: 2)])
        #expect(try body.decode([Item].self) == [Item(value: 1), Item(value: 2)])
    }

    @Test func largeXMLDictionariesDecode() throws {
        let children = (0..<20_000).map { "<k\($0)>\($0)</k\($0)>" }.joined()
        let decoded = try event(.xml, "<Map>" + children + "<k7>duplicate ignored</k7></Map>").decode(
            [String: Int].self)
        #expect(decoded.count == 20_000)
        #expect(decoded["k7"] == 7)
        #expect(decoded["k19999"] == 19_999)
    }

    @Test func xmlBodiesMayCarryADeclarationAndComments() throws {
        struct Item: Decodable, Equatable {
            var value: Int
        }
        let body = event(
            .xml,
            "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><Item><value>1</value></Item>\n<?pi x?>")
        #expect(try body.decode(Item.self) == Item(value: 1))
    }

    @Test func timestampsWithOffsetsAndFractions() throws {
        struct Stamp: Decodable {
            var at: Date
        }
        let reference = Date(timeIntervalSince1970: 1_434_307_047.815)
        for text in [
            "2015-06-14T18:37:27.815Z", "2015-06-14T20:37:27.815+02:00", "2015-06-14T13:07:27.815-0530",
            "2015-06-14 18:37:27.8150", "2015-06-14T18:37:27.815", "1434307047815",
        ] {
            #expect(try event(.xml, "<S><at>\(text)</at></S>").decode(Stamp.self).at == reference, "\(text)")
            #expect(try event(.json, #"{"at":"\#(text)"}"#).decode(Stamp.self).at == reference, "\(text)")
        }
        for bad in ["2015-13-01T00:00:00Z", "2015-02-29T00:00:00Z", "2015-06-14", "yesterday", "2015-06-14T25:00Z"] {
            let error = #expect(throws: DeviceCloudProtocolError.self) {
                try event(.xml, "<S><at>\(bad)</at></S>").decode(Stamp.self)
            }
            #expect(error?.code == .unsupportedResourceDecoding, "\(bad)")
        }
        #expect(
            try event(.xml, "<S><at>2016-02-29T00:00:00Z</at></S>").decode(Stamp.self).at.timeIntervalSince1970
                == 1_456_704_000)
    }

    // MARK: Failures

    @Test func mismatchesThrowUnsupportedResourceDecoding() {
        struct Strict: Decodable {
            var count: Int
            var child: Child
            struct Child: Decodable {
                var flag: Bool
            }
        }
        let cases: [MonitorEvent] = [
            event(.json, #"{"count":"many","child":{"flag":true}}"#),
            event(.json, #"{"count":1,"child":{"flag":"perhaps"}}"#),
            event(.json, #"{"count":1}"#),
            event(.json, #"{"count":1,"#),
            event(.xml, "<S><count>1.5</count><child><flag>true</flag></child></S>"),
            event(.xml, "<S><count>1</count><child><flag>perhaps</flag></child></S>"),
            event(.xml, "<S><count>99999999999999999999999</count><child><flag>1</flag></child></S>"),
            event(.xml, "<S><count>1</count></S>"),
            event(.xml, "<S><count>1</count><child><flag>true</flag></child>"),
            event(.xml, "<S><count>1</count></T>"),
            event(.xml, "not xml"),
            event(.xml, ""),
        ]
        for body in cases {
            let error = #expect(throws: DeviceCloudProtocolError.self, "\(body.bodyString)") {
                try body.decode(Strict.self)
            }
            #expect(error?.code == .unsupportedResourceDecoding)
            #expect(error?.message.isEmpty == false)
        }
        let nested = #expect(throws: DeviceCloudProtocolError.self) {
            try event(.xml, "<S><count>1</count><child><flag>perhaps</flag></child></S>").decode(Strict.self)
        }
        #expect(nested?.message.contains("child.flag") == true)
    }

    @Test func bodyStringIsTheRawResource() throws {
        let events = try DocumentDecoder.events(
            in: ByteBuffer(string: XMLDocumentScannerTests.twoMessagesSample), format: .xml)
        #expect(events.map(\.bodyString) == ["<DeviceCore>...</DeviceCore>", "<XbeeCore>...</XbeeCore>"])
        var invalid = ByteBuffer()
        invalid.writeBytes([0x7B, 0xFF, 0x7D])
        #expect(event(.json, invalid).bodyString == "{\u{FFFD}}")
    }
}

/// An event whose body is `body`, as a scanner would have produced it.
private func event(_ format: PayloadFormat, _ body: String) -> MonitorEvent {
    event(format, ByteBuffer(string: body))
}

private func event(_ format: PayloadFormat, _ body: ByteBuffer) -> MonitorEvent {
    MonitorEvent(
        topic: "1/Test/x",
        operation: .insertion,
        timestamp: nil,
        group: nil,
        resourceType: "Test",
        body: body,
        format: format
    )
}
