import DeviceCloudProtocol
import Foundation
import NIOCore
import Testing

/// The JSON document scanner, checked against the shared samples, the captured PublishMessage
/// frames and Foundation's `JSONSerialization` on generated documents. What it has in common
/// with the XML scanner (keep-alives, malformed input, limits, truncated and mutated input) is
/// tested for both in `DocumentScannerSharedTests`, on inputs this file provides too.
struct JSONDocumentScannerTests {
    // MARK: Samples and captures

    /// `push-datapoint-single.json` from the protocol samples, byte for byte.
    static let datapointSingleSample = """
        {"Document": {"Msg": {"DataPoint": {"cstId": 7603, "data": 0.411700824929, "description": "", "id": "684572e0-12c4-11e5-8507-fa163ed4cf14", "quality": 0, "serverTimestamp": 1434307047694, "streamId": "test", "streamUnits": "", "timestamp": 1434307047694}, "group": "*", "operation": "INSERTION", "timestamp": "2015-06-14T18:37:27.815Z", "topic": "7603/DataPoint/test"}}}

        """

    @Test func sampleWithSingleDataPoint() throws {
        let document = ByteBuffer(string: Self.datapointSingleSample)
        let events = try DocumentDecoder.events(in: document, format: .json)
        try #require(events.count == 1)
        let event = events[0]
        #expect(event.topic == "7603/DataPoint/test")
        #expect(event.operation == .insertion)
        #expect(event.timestamp == "2015-06-14T18:37:27.815Z")
        #expect(event.group == "*")
        #expect(event.resourceType == "DataPoint")
        #expect(event.format == .json)
        #expect(event.bodyString.hasPrefix(#"{"cstId": 7603, "data": 0.411700824929,"#))
        #expect(event.bodyString.hasSuffix(#""timestamp": 1434307047694}"#))
        try expectBodyMatches(event, in: Self.datapointSingleSample, resourceKey: "DataPoint", entry: 0)
    }

    @Test func capturedPublishMessagePayloads() throws {
        let frames = try loadScannerFixture("publish-message.bin")
        #expect(frames.readableBytes == 1048)
        // Two frames of 6 + 10 + 508 bytes; each payload starts 16 bytes into its frame.
        let expected: [(timestamp: String, operation: MonitorEvent.Operation)] = [
            ("2012-04-17T14:14:07.028Z", .update),
            ("2012-04-17T14:14:07.203Z", .delete),
        ]
        for (index, expectation) in expected.enumerated() {
            let frameStart = frames.readerIndex + index * 524
            // The payload as a view inside the whole capture (non-zero reader index), and as a copy.
            var view = frames
            view.moveReaderIndex(to: frameStart + 16)
            view.moveWriterIndex(to: frameStart + 16 + 508)
            let copy = ByteBuffer(bytes: Array(view.readableBytesView))
            for payload in [view, copy] {
                let events = try DocumentDecoder.events(in: payload, format: .json)
                try #require(events.count == 1)
                let event = events[0]
                #expect(event.topic == "1654/DeviceCore/6283/0")
                #expect(event.operation == expectation.operation)
                #expect(event.timestamp == expectation.timestamp)
                #expect(event.group == nil)
                #expect(event.resourceType == "DeviceCore")
                #expect(event.bodyString.hasPrefix(#"{"devEffectiveStartDate":"2012-04-16T21:43:00.000Z","#))
                #expect(event.bodyString.hasSuffix(#""cstId":1654,"devTerminated":false}"#))
                let body = try #require(
                    try JSONSerialization.jsonObject(with: Data(event.body.readableBytesView)) as? [String: Any]
                )
                #expect(body["devConnectwareId"] as? String == "00000000-00000000-00409DFF-FF458726")
            }
        }
    }

    // MARK: Shapes

    @Test func msgArrayKeyOrderUnknownKeysAndWhitespace() throws {
        let text = """
            { "Before": {"x": [1, 2, {"Msg": 3}]},
              "Document" : {
                "Info": "ignored",
                "Msg" : [
                  {"operation":"update","topic":"3/DeviceCore/882/7","Unknown":[true,false,null,-1.5e-3],
                   "DeviceCore":{"id":{"devId":882}},"timestamp":null},
                  { "DataPoint" : { "topic" : "not the envelope", "nested": {"operation": "no"} } ,
                    "group" : "g" , "topic" : "7603/DataPoint/a" , "operation" : "DELETE",
                    "Later": {"ignored": "object after the resource"} },
                  {"topic":"1/FileData/x","operation":"Insertion","Value":"text resource"}
                ]
              }
            }
            """
        let events = try DocumentDecoder.events(in: ByteBuffer(string: text), format: .json)
        try #require(events.count == 3)
        #expect(events[0].topic == "3/DeviceCore/882/7")
        #expect(events[0].operation == .update)
        #expect(events[0].timestamp == nil)
        #expect(events[0].group == nil)
        #expect(events[0].resourceType == "DeviceCore")
        #expect(events[0].bodyString == #"{"id":{"devId":882}}"#)
        #expect(events[1].topic == "7603/DataPoint/a")
        #expect(events[1].operation == .delete)
        #expect(events[1].group == "g")
        #expect(events[1].resourceType == "DataPoint")
        #expect(events[1].bodyString == #"{ "topic" : "not the envelope", "nested": {"operation": "no"} }"#)
        #expect(events[2].operation == .insertion)
        #expect(events[2].resourceType == "Value")
        #expect(events[2].bodyString == #""text resource""#)
    }

    @Test func escapesInEnvelopeFieldsAndKeys() throws {
        let text = #"""
            {"Document":{"Msg":{"\u0074op\u0069c":"a\/b\\c\"d\n\t\u00e9\u20AC\uD83D\uDE00 raw: é€😀",
            "op\u0065ration":"\u0069nsertion","timestamp":"2015-06-14T18:37:27.815Z","gr\u006Fup":"\uD834\uDD1E",
            "Da\u0074aP\u00F6int":{"s":"\"}"}}}}
            """#
        let events = try DocumentDecoder.events(in: ByteBuffer(string: text), format: .json)
        try #require(events.count == 1)
        #expect(events[0].topic == "a/b\\c\"d\n\t\u{e9}\u{20AC}\u{1F600} raw: é€😀")
        #expect(events[0].operation == .insertion)
        #expect(events[0].group == "\u{1D11E}")
        #expect(events[0].resourceType == "DataP\u{F6}int")
        #expect(events[0].bodyString == #"{"s":"\"}"}"#)
    }

    @Test func operationsAreInternedAndUpperCased() throws {
        let text = #"""
            {"Document":{"Msg":[
            {"topic":"t","operation":"INSERTION","R":{}},{"topic":"t","operation":"update","R":{}},
            {"topic":"t","operation":"DeLeTe","R":{}},{"topic":"t","operation":"replace","R":{}},
            {"topic":"t","operation":"UPDATES","R":{}}]}}
            """#
        let events = try DocumentDecoder.events(in: ByteBuffer(string: text), format: .json)
        #expect(events.map(\.operation.rawValue) == ["INSERTION", "UPDATE", "DELETE", "REPLACE", "UPDATES"])
        #expect(events[1].operation == .update)
    }

    // MARK: Limits

    /// A lone `Msg` object is one event, within a limit of one. (The limit itself is tested for
    /// both formats in `DocumentScannerSharedTests`.)
    @Test func singleMsgObjectIsOneEventWithinTheLimit() throws {
        let entry = #"{"topic":"t","operation":"UPDATE","DataPoint":{"streamId":"s"}}"#
        let single = ByteBuffer(string: #"{"Document":{"Msg":"# + entry + "}}")
        #expect(
            try DocumentDecoder.events(in: single, format: .json, limits: try PushLimits(maximumEventsPerBatch: 1)).count
                == 1)
    }

    /// Nesting far beyond the cap (tested for both formats in `DocumentScannerSharedTests`)
    /// must fail quickly, never overflow a stack.
    @Test func nestingFarBeyondTheCapIsRejected() {
        let deep = ByteBuffer(string: String(repeating: "[", count: 200_000))
        #expect(throws: DeviceCloudProtocolError.self) {
            try DocumentDecoder.events(in: deep, format: .json)
        }
    }

    // MARK: Malformed input

    @Test func errorMessagesNameTheByteOffset() {
        let text = #"{"Document":{"Msg":{"topic":"t","operation":"U","R":{"a":1 "b":2}}}}"#
        let error = #expect(throws: DeviceCloudProtocolError.self) {
            try DocumentDecoder.events(in: ByteBuffer(string: text), format: .json)
        }
        #expect(error?.message.contains("at byte 59") == true)
    }

    // MARK: Comparison with JSONSerialization

    @Test func generatedDocumentsMatchJSONSerialization() throws {
        var generator = JSONDocumentGenerator(seed: 2024)
        var eventsSeen = 0
        for _ in 0..<400 {
            let document = generator.document()
            let events = try DocumentDecoder.events(in: ByteBuffer(string: document.text), format: .json)
            let root = try #require(
                try JSONSerialization.jsonObject(with: Data(document.text.utf8), options: [.fragmentsAllowed])
                    as? [String: Any]
            )
            let msgValue = (root["Document"] as? [String: Any])?["Msg"]
            let entries: [[String: Any]] =
                if let array = msgValue as? [[String: Any]] { array } else if let one = msgValue as? [String: Any] {
                    [one]
                } else { [] }
            try #require(events.count == entries.count, "\(document.text)")
            try #require(events.count == document.entries.count)
            for (index, event) in events.enumerated() {
                let entry = entries[index]
                let expected = document.entries[index]
                #expect(event.topic == entry["topic"] as? String)
                #expect(event.topic == expected.topic)
                #expect(event.operation.rawValue == (entry["operation"] as? String)?.uppercased())
                #expect(event.timestamp == entry["timestamp"] as? String)
                #expect(event.group == entry["group"] as? String)
                #expect(event.resourceType == expected.resourceKey)
                #expect(event.bodyString == expected.resourceText)
                let parsedBody = try JSONSerialization.jsonObject(
                    with: Data(event.body.readableBytesView),
                    options: [.fragmentsAllowed]
                )
                let original = try #require(entry[expected.resourceKey])
                #expect(jsonValuesEqual(parsedBody, original), "\(event.bodyString)")
                eventsSeen += 1
            }
        }
        #expect(eventsSeen > 800)
    }

    // MARK: Throughput

    /// Prints the scanner's throughput on a 100-event DataPoint block; asserts nothing about time.
    ///
    /// Both wall-clock and this thread's CPU time are reported: on a busy machine the second is
    /// the steadier measure of the scanner itself.
    @Test func throughputOf100EventDataPointBlock() throws {
        let block = Self.dataPointBlock(events: 100)
        #expect(try DocumentDecoder.events(in: block, format: .json).count == 100)
        let clock = ContinuousClock()
        var iterations = 0
        var events = 0
        var checksum = 0
        let start = clock.now
        let cpuStart = threadCPUSeconds()
        var elapsed = Duration.zero
        repeat {
            for _ in 0..<50 {
                let decoded = try DocumentDecoder.events(in: block, format: .json)
                events += decoded.count
                checksum &+= decoded[decoded.count - 1].body.readableBytes
            }
            iterations += 50
            elapsed = clock.now - start
        } while elapsed < .milliseconds(700) && iterations < 1_000_000
        let cpuSeconds = threadCPUSeconds() - cpuStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        func rate(_ seconds: Double) -> String {
            let perBlock = String(format: "%.1f", seconds / Double(iterations) * 1e6)
            return "\(Int(Double(events) / seconds)) events/s (\(perBlock) µs per block)"
        }
        print(
            "JSON scanner, 100-event block of \(block.readableBytes) bytes, \(iterations) blocks: "
                + "wall clock \(rate(seconds)), thread CPU time \(rate(cpuSeconds)) [checksum \(checksum)]"
        )
        #expect(events == iterations * 100)
    }

    /// A block like the service sends for a DataPoint monitor with batch size 100 (about 39 KB):
    /// every event from another stream and at another time, so no envelope string repeats
    /// except the operation and group.
    static func dataPointBlock(events: Int) -> ByteBuffer {
        var text = #"{"Document":{"Msg":["#
        for index in 0..<events {
            if index > 0 { text += "," }
            let device = "00000000-00000000-00409DFF-FF45\(String(format: "%04d", index))"
            let millis = String(format: "%03d", index % 1000)
            text += #"{"timestamp":"2015-06-14T18:37:27.\#(millis)Z","topic":"7603/DataPoint/\#(device)/temp","#
            text += #""operation":"INSERTION","group":"*","DataPoint":{"cstId":7603,"data":\#(Double(index) * 0.4117),"#
            text += #""description":"","id":"684572e0-12c4-11e5-8507-fa163ed4\#(String(format: "%04x", index))","#
            text += #""quality":0,"serverTimestamp":1434307047694,"streamId":"\#(device)/temp","streamUnits":"C","#
            text += #""timestamp":1434307047\#(millis)}}"#
        }
        text += "]}}"
        return ByteBuffer(string: text)
    }
}

// MARK: - Inputs of the shared tests

extension JSONDocumentScannerTests {
    /// The documents whose every prefix `DocumentScannerSharedTests` scans: the sample, a
    /// captured payload and generated documents.
    static func truncationSamples() throws -> [String] {
        var generator = JSONDocumentGenerator(seed: 7)
        return [
            Self.datapointSingleSample,
            String(
                decoding: try loadScannerFixture("publish-message.bin").getBytes(at: 16, length: 508) ?? [],
                as: UTF8.self),
        ]
            + (0..<6).map { _ in generator.document().text }
    }

    /// The generated documents `DocumentScannerSharedTests` mutates, and how.
    static func mutationPlan() -> ScannerMutationPlan {
        var generator = JSONDocumentGenerator(seed: 1111)
        return ScannerMutationPlan(
            originals: (0..<200).map { _ in generator.document().text },
            seed: 999,
            mutationsPerDocument: 60,
            insertedBytes: Array(#"{}[]",:\ 0e-.tfnu"#.utf8)
        )
    }
}

// MARK: - Helpers

/// CPU time consumed by the calling thread, in seconds.
private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Loads a file from this target's `Fixtures/` folder, relative to this source file.
private func loadScannerFixture(_ name: String) throws -> ByteBuffer {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return ByteBuffer(bytes: try Data(contentsOf: url))
}

/// Whether `bytes` is JSON by RFC 8259. `JSONSerialization` also rejects numbers outside
/// `Double`'s range, which the grammar allows (and the scanner accepts; decoding such a body
/// fails later): exponents of three or more digits are neutralised before asking it.
func isValidJSON(_ bytes: [UInt8]) -> Bool {
    if (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil {
        return true
    }
    let text = String(decoding: bytes, as: UTF8.self)
    guard String(decoding: text.utf8, as: UTF8.self).utf8.elementsEqual(bytes) else { return false }
    let neutralised = text.replacingOccurrences(
        of: #"([0-9])[eE][+-]?[0-9]{3,}"#,
        with: "$1e0",
        options: .regularExpression
    )
    guard neutralised != text else { return false }
    return (try? JSONSerialization.jsonObject(with: Data(neutralised.utf8), options: [.fragmentsAllowed])) != nil
}

/// Structural equality of two `JSONSerialization` results.
private func jsonValuesEqual(_ a: Any, _ b: Any) -> Bool {
    switch (a, b) {
    case (let x as [String: Any], let y as [String: Any]):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { jsonValuesEqual(value, $0) } ?? false }
    case (let x as [Any], let y as [Any]):
        return x.count == y.count && zip(x, y).allSatisfy { jsonValuesEqual($0, $1) }
    case (let x as String, let y as String):
        return x == y
    default:
        return type(of: a) == type(of: b) && "\(a)" == "\(b)"
    }
}

/// Checks that the body of `event` re-parses to the resource in the original document.
private func expectBodyMatches(_ event: MonitorEvent, in text: String, resourceKey: String, entry: Int) throws {
    let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let msg = (root["Document"] as? [String: Any])?["Msg"]
    let entries = (msg as? [[String: Any]]) ?? [(msg as? [String: Any]) ?? [:]]
    let original = try #require(entries[entry][resourceKey])
    let body = try JSONSerialization.jsonObject(with: Data(event.body.readableBytesView), options: [.fragmentsAllowed])
    #expect(jsonValuesEqual(body, original))
}

/// A small deterministic generator (SplitMix64).
struct ScannerTestRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates push documents with random key order, escapes, Unicode, nesting and whitespace,
/// remembering what the scanner should report.
private struct JSONDocumentGenerator {
    struct Entry {
        var topic: String
        var resourceKey: String
        /// The exact text of the resource value in the document.
        var resourceText: String
    }

    struct Document {
        var text: String
        var entries: [Entry]
    }

    var rng: ScannerTestRandom

    init(seed: UInt64) { self.rng = ScannerTestRandom(seed: seed) }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self.rng) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &self.rng)] }

    mutating func ws() -> String {
        guard self.chance(35) else { return "" }
        return (0..<Int.random(in: 1...3, using: &self.rng)).map { _ in self.pick([" ", "\t", "\n", "\r\n", "  "]) }
            .joined()
    }

    mutating func text() -> String {
        let pieces = [
            "abc", "7603", "DataPoint", "/", "\"", "\\", "\n", "\t", "\u{1}", "\u{1F}", "é", "€", "😀", "𝄞", "中文", " ",
            "}", "]", ",", ":", "{\"", "\u{7F}", "\u{FFFD}", "\u{10FFFF}",
        ]
        return (0..<Int.random(in: 0...6, using: &self.rng)).map { _ in self.pick(pieces) }.joined()
    }

    /// A JSON string literal for `value`, choosing among the equivalent escapes at random.
    mutating func literal(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            let v = scalar.value
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/": out += self.chance(50) ? "\\/" : "/"
            case "\n" where self.chance(70): out += "\\n"
            case "\t" where self.chance(70): out += "\\t"
            default:
                if v < 0x20 || (v < 0x80 && self.chance(8)) || (v >= 0x80 && self.chance(35)) {
                    if v >= 0x10000 {
                        let high = 0xD800 + ((v - 0x10000) >> 10)
                        let low = 0xDC00 + ((v - 0x10000) & 0x3FF)
                        out += self.hexEscape(high) + self.hexEscape(low)
                    } else {
                        out += self.hexEscape(v)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    mutating func hexEscape(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: self.chance(50))
        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    }

    mutating func number() -> String {
        switch Int.random(in: 0..<6, using: &self.rng) {
        case 0: return String(Int.random(in: -1000...1000, using: &self.rng))
        case 1: return "1434307047694"
        case 2: return "0.\(Int.random(in: 0...99999, using: &self.rng))"
        case 3:
            return
                "-\(Int.random(in: 1...9, using: &self.rng)).5e\(self.pick(["", "+", "-"]))\(Int.random(in: 0...9, using: &self.rng))"
        case 4: return "0"
        default: return "\(Int.random(in: 1...9, using: &self.rng))E\(Int.random(in: 0...9, using: &self.rng))"
        }
    }

    mutating func scalarValue() -> String {
        switch Int.random(in: 0..<6, using: &self.rng) {
        case 0, 1: return self.literal(self.text())
        case 2, 3: return self.number()
        case 4: return self.pick(["true", "false"])
        default: return "null"
        }
    }

    mutating func value(depth: Int) -> String {
        guard depth < 4, self.chance(30) else { return self.scalarValue() }
        return self.chance(60) ? self.object(depth: depth + 1) : self.array(depth: depth + 1)
    }

    mutating func object(depth: Int) -> String {
        let keys = ["cstId", "topic", "operation", "data", "id", "x y", "é", "😀", "streamId", ""]
        let members = (0..<Int.random(in: 0...5, using: &self.rng)).map { _ in
            self.ws() + self.literal(self.pick(keys)) + self.ws() + ":" + self.ws() + self.value(depth: depth)
                + self.ws()
        }
        return "{" + (members.isEmpty ? self.ws() : members.joined(separator: ",")) + "}"
    }

    mutating func array(depth: Int) -> String {
        let elements = (0..<Int.random(in: 0...4, using: &self.rng)).map { _ in
            self.ws() + self.value(depth: depth) + self.ws()
        }
        return "[" + (elements.isEmpty ? self.ws() : elements.joined(separator: ",")) + "]"
    }

    mutating func member(_ key: String, _ value: String) -> String {
        self.ws() + self.literal(key) + self.ws() + ":" + self.ws() + value + self.ws()
    }

    mutating func entry() -> (text: String, entry: Entry) {
        let topic =
            "\(Int.random(in: 1...9999, using: &self.rng))/" + self.pick(["DataPoint", "DeviceCore", "FileData"]) + "/"
            + self.text()
        let operation = self.pick([
            "INSERTION", "UPDATE", "DELETE", "insertion", "Update", "delete", "custom_Op", "ünï", "UPDATE\u{0}",
        ])
        var plain: [String] = [
            self.member("topic", self.literal(topic)), self.member("operation", self.literal(operation)),
        ]
        if self.chance(85) {
            plain.append(self.member("timestamp", self.chance(90) ? self.literal("2015-06-14T18:37:27.815Z") : "null"))
        }
        if self.chance(60) {
            plain.append(self.member("group", self.chance(80) ? self.literal(self.pick(["*", "g/1", "é😀"])) : "null"))
        }
        for _ in 0..<Int.random(in: 0...2, using: &self.rng) {
            let value = self.chance(50) ? self.scalarValue() : self.array(depth: 1)
            plain.append(self.member(self.pick(["extra", "Unknown", "x"]), value))
        }
        plain.shuffle(using: &self.rng)
        let resourceKey = self.pick(["DataPoint", "DeviceCore", "FileData", "XbeeCore", "Rés😀urce", "with \"quote\""])
        let resourceText = self.object(depth: 1)
        let resourceIndex = Int.random(in: 0...plain.count, using: &self.rng)
        plain.insert(self.member(resourceKey, resourceText), at: resourceIndex)
        // Object-valued unknown keys may follow the resource (the first object value wins).
        if self.chance(30) {
            let position = Int.random(in: (resourceIndex + 1)...plain.count, using: &self.rng)
            plain.insert(self.member("LaterObject", self.object(depth: 1)), at: position)
        }
        return (
            "{" + plain.joined(separator: ",") + "}",
            Entry(topic: topic, resourceKey: resourceKey, resourceText: resourceText)
        )
    }

    mutating func document() -> Document {
        let count = Int.random(in: 1...5, using: &self.rng)
        let generated = (0..<count).map { _ in self.entry() }
        let msg: String
        if count == 1 && self.chance(50) {
            msg = generated[0].text
        } else {
            msg = "[" + generated.map { self.ws() + $0.text + self.ws() }.joined(separator: ",") + "]"
        }
        var documentMembers = [self.member("Msg", msg)]
        if self.chance(30) {
            documentMembers.insert(self.member("Info", self.value(depth: 1)), at: self.chance(50) ? 0 : 1)
        }
        var rootMembers = [self.member("Document", self.ws() + "{" + documentMembers.joined(separator: ",") + "}")]
        if self.chance(20) {
            rootMembers.insert(self.member("Other", self.object(depth: 1)), at: self.chance(50) ? 0 : 1)
        }
        let text = self.ws() + "{" + rootMembers.joined(separator: ",") + "}" + self.ws()
        return Document(text: text, entries: generated.map(\.entry))
    }
}
