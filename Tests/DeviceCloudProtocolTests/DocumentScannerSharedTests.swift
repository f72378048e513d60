import DeviceCloudProtocol
import NIOCore
import Testing

/// What the JSON and XML document scanners share, written once and checked for both formats:
/// keep-alive documents, malformed documents, invalid UTF-8, the event limit, the nesting cap,
/// truncated and mutated input. What only one format has is tested in
/// `JSONDocumentScannerTests` and `XMLDocumentScannerTests`.
struct DocumentScannerSharedTests {
    /// Keep-alives, and documents whose `Msg` list is empty or absent, yield no events.
    @Test(arguments: ScannerDocument.emptyDocuments)
    func emptyDocumentsYieldNoEvents(_ document: ScannerDocument) throws {
        #expect(try DocumentDecoder.events(in: ByteBuffer(string: document.text), format: document.format).isEmpty)
    }

    /// Malformed documents are refused with `.malformedDocument` and a message that says where.
    @Test(arguments: ScannerDocument.malformedDocuments)
    func malformedDocumentsAreRejected(_ document: ScannerDocument) {
        let error = #expect(throws: DeviceCloudProtocolError.self) {
            try DocumentDecoder.events(in: ByteBuffer(string: document.text), format: document.format)
        }
        #expect(error?.code == .malformedDocument)
        #expect(error.map { document.format.messageLocatesProblem($0.message) } == true)
    }

    /// Bytes that are not UTF-8 are refused wherever the format reads characters.
    @Test(arguments: ScannerDocumentWithHole.invalidUTF8Holes, ScannerDocumentWithHole.invalidUTF8Sequences)
    func invalidUTF8IsRejected(_ document: ScannerDocumentWithHole, _ bad: [UInt8]) {
        let error = #expect(throws: DeviceCloudProtocolError.self) {
            try DocumentDecoder.events(in: document.filled(with: bad), format: document.format)
        }
        #expect(error?.code == .malformedDocument)
    }

    /// More events than the limit are refused with `.tooManyEvents`; as many as the limit are read.
    @Test(arguments: PayloadFormat.allCases)
    func tooManyEventsIsDetectedWhileScanning(_ format: PayloadFormat) throws {
        let four = ByteBuffer(string: format.document(events: 4))
        let error = #expect(throws: DeviceCloudProtocolError.self) {
            try DocumentDecoder.events(in: four, format: format, limits: try PushLimits(maximumEventsPerBatch: 3))
        }
        #expect(error?.code == .tooManyEvents)
        #expect(
            try DocumentDecoder.events(in: four, format: format, limits: try PushLimits(maximumEventsPerBatch: 4)).count == 4
        )
    }

    /// The limit is hit before the rest of the document is read: garbage after the excess
    /// event's start is never reached.
    @Test(arguments: PayloadFormat.allCases, [1, 2])
    func tooManyEventsIsDetectedBeforeTheRestIsRead(_ format: PayloadFormat, _ limit: Int) throws {
        let truncatedAfterLimit = ByteBuffer(string: format.documentCutOff(afterEvents: limit))
        let early = #expect(throws: DeviceCloudProtocolError.self) {
            try DocumentDecoder.events(
                in: truncatedAfterLimit, format: format, limits: try PushLimits(maximumEventsPerBatch: limit))
        }
        #expect(early?.code == .tooManyEvents)
    }

    /// A resource may nest containers up to the cap, and no deeper.
    @Test(arguments: PayloadFormat.allCases)
    func nestingIsCapped(_ format: PayloadFormat) throws {
        let allowed = ByteBuffer(string: format.document(nestingDepth: 400))
        #expect(try DocumentDecoder.events(in: allowed, format: format).count == 1)
        let tooDeep = ByteBuffer(string: format.document(nestingDepth: 600))
        let error = #expect(throws: DeviceCloudProtocolError.self) {
            try DocumentDecoder.events(in: tooDeep, format: format)
        }
        #expect(error?.code == .malformedDocument)
        #expect(error?.message.contains("nesting") == true)
    }

    /// Every prefix of a valid document is refused as malformed, or is valid for the format's
    /// reference parser too.
    @Test(arguments: PayloadFormat.allCases)
    func everyTruncationIsRejectedOrStillValid(_ format: PayloadFormat) throws {
        for text in try format.truncationSamples() {
            let bytes = Array(text.utf8)
            for length in 0..<bytes.count {
                expectRejectedOrValid(Array(bytes[0..<length]), format: format)
            }
        }
    }

    /// Random one-byte mutations of generated documents are refused as malformed, or are valid
    /// for the format's reference parser too.
    @Test(arguments: PayloadFormat.allCases)
    func randomByteMutationsAreRejectedOrStillValid(_ format: PayloadFormat) {
        let plan = format.mutationPlan()
        var rng = ScannerTestRandom(seed: plan.seed)
        var accepted = 0
        for text in plan.originals {
            let original = Array(text.utf8)
            for _ in 0..<plan.mutationsPerDocument {
                var bytes = original
                let position = Int.random(in: 0..<bytes.count, using: &rng)
                let kind = Int.random(in: 0..<4, using: &rng)
                switch kind {
                case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                case 1: bytes[position] = UInt8.random(in: 0...255, using: &rng)
                case 2: bytes.remove(at: position)
                default: bytes.insert(plan.insertedBytes.randomElement(using: &rng) ?? 0, at: position)
                }
                let mutation =
                    "mutation \(kind) at byte \(position): \(original[position]) -> \(bytes.count == original.count ? bytes[position] : 0)"
                if expectRejectedOrValid(bytes, format: format, context: mutation) { accepted += 1 }
            }
        }
        // Some mutations (inside string contents or text) keep the document valid.
        #expect(accepted > 0)
    }
}

// MARK: - Cases

/// A document of one format, as a test argument.
struct ScannerDocument: Sendable, CustomTestStringConvertible {
    /// The document's format.
    var format: PayloadFormat
    /// The document.
    var text: String

    /// The format and the document, escaped.
    var testDescription: String { "\(self.format) \(self.text.debugDescription)" }

    /// A JSON document.
    static func json(_ text: String) -> ScannerDocument { ScannerDocument(format: .json, text: text) }

    /// An XML document.
    static func xml(_ text: String) -> ScannerDocument { ScannerDocument(format: .xml, text: text) }

    /// Keep-alives and other documents without events.
    static let emptyDocuments: [ScannerDocument] = [
        .json(#"{"Document":{}}"#),
        .json(#"{"Document":""}"#),
        .json(#"{"Document":"  "}"#),
        .json(#"{"Document":null}"#),
        .json(#"{"Document":{"Msg":[]}}"#),
        .json(#"{"Document":{"Msg":null}}"#),
        .json(" \r\n\t{ \"Document\" : { \"Msg\" : [ ] } } \n"),
        .json(#"{"Other":[1,{"a":null}],"Document":{"Extra":true}}"#),
        .json("\u{FEFF}{\"Document\":{}}"),
        .xml("<Document/>"),
        .xml("<Document></Document>"),
        .xml("<Document ></Document >"),
        .xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document/>\n"),
        .xml("<?xml version='1.0'?><!-- keep-alive --><Document>\n  <!-- nothing -->\n</Document><!-- end -->"),
        .xml("\u{FEFF}<Document/>"),
        .xml("<?xml version=\"1.0\" standalone=\"yes\"?><?pi data?><Document a=\"1\"><Other><Msg/></Other></Document>"),
    ]

    /// Documents the scanners must reject with `.malformedDocument`.
    static let malformedDocuments: [ScannerDocument] = [
        .json(""),
        .json("   "),
        .json("[]"),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{}}}} x"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{}}}}}"#),
        .json(#"{"Document":{"Msg":{"operation":"U","R":{}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","R":{}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U"}}}"#),
        .json(#"{"Document":{"Msg":{"topic":7,"operation":"U","R":{}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","timestamp":5,"R":{}}}}"#),
        .json(#"{"Document":{"Msg":"text"}}"#),
        .json(#"{"Document":{"Msg":[1]}}"#),
        .json(#"{"Document":{"Msg":[{"topic":"t","operation":"U","R":{}},]}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{},}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{"a" 1}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t\q","operation":"U","R":{}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"\u12","operation":"U","R":{}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"\uD800","operation":"U","R":{}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"\uDC00\uD800","operation":"U","R":{}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{"n":01}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{"n":1.}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{"n":-}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{"n":1e}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{"n":tru}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{"n":nul}}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":[1 2]}}}"#),
        .json(#"{"Document":{"Msg":{"topic":"t","operation":"U","R":{}}},"Document":{}}"#),
        .json(#"{"Document":"not empty"}"#),
        .json(#"{"Document":[]}"#),
        .json(#"{"NoDocument":{}}"#),
        .json("{\"Document\":{\"Msg\":{\"topic\":\"a\u{01}b\",\"operation\":\"U\",\"R\":{}}}}"),
        .json(#"{'Document':{}}"#),
        .xml(""),
        .xml("   "),
        .xml("<Documents/>"),
        .xml("<Document>"),
        .xml("<Document></Documen>"),
        .xml("<Document></Document><Document/>"),
        .xml("<Document/>trailing"),
        .xml("text<Document/>"),
        .xml(#"<Document><Msg operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u">text only</Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"/></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"><R></Msg></R></Document>"#),
        .xml(#"<Document><Msg topic="t" topic="t2" operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t"operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic=t operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="a<b" operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="&bogus;" operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="&amp" operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="&#0;" operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="&#xD800;" operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="&#;" operation="u"><R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"><R>a &nbsp; b</R></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"><R>a ]]> b</R></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"><R><!-- a -- b --></R></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"><R><![CDATA[ unterminated </R></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"><R><?xml version="1.0"?></R></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"><1R/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"><R a="1" a="2"/></Msg></Document>"#),
        .xml(#"<Document><Msg topic="t" operation="u"><R></R ></Msg></Document"#),
        .xml("<!DOCTYPE Document [<!ENTITY x \"y\">]><Document/>"),
        .xml("<Document><!DOCTYPE x></Document>"),
        .xml("<?xml version=\"2.0\"?><Document/>"),
        .xml("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Document/>"),
        .xml(" <?xml version=\"1.0\"?><Document/>"),
        .xml("<?xml version=\"1.0\"?><?xml version=\"1.0\"?><Document/>"),
        .xml("<Document>\u{1}</Document>"),
    ]
}

/// A valid document of one format with a hole where test bytes go, as a test argument.
struct ScannerDocumentWithHole: Sendable, CustomTestStringConvertible {
    /// The document's format.
    var format: PayloadFormat
    /// The document up to the hole.
    var before: String
    /// The document after the hole.
    var after: String

    /// The format and the document, escaped, with `…` for the hole.
    var testDescription: String { "\(self.format) \((self.before + "…" + self.after).debugDescription)" }

    /// The document with `bytes` in the hole.
    func filled(with bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer(string: self.before)
        buffer.writeBytes(bytes)
        buffer.writeString(self.after)
        return buffer
    }

    /// Places where each format reads characters: a JSON string, an XML attribute value and
    /// XML character data.
    static let invalidUTF8Holes: [ScannerDocumentWithHole] = [
        ScannerDocumentWithHole(
            format: .json, before: #"{"Document":{"Msg":{"topic":""#, after: #"","operation":"U","R":{}}}}"#),
        ScannerDocumentWithHole(
            format: .xml, before: #"<Document><Msg topic=""#, after: #"" operation="u"><R/></Msg></Document>"#),
        ScannerDocumentWithHole(
            format: .xml, before: #"<Document><Msg topic="t" operation="u"><R>"#,
            after: #"" operation="u"><R/></Msg></Document>"#),
    ]

    /// Byte sequences that are not UTF-8: an invalid byte, an overlong encoding, a surrogate,
    /// a truncated sequence, a value above U+10FFFF and a stray continuation byte.
    static let invalidUTF8Sequences: [[UInt8]] = [
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80],
    ]
}

// MARK: - Documents of each format

/// How the shared tests build and judge documents of each format.
extension PayloadFormat {
    /// A document whose `Msg` list holds `count` events with a `DataPoint` resource.
    func document(events count: Int) -> String {
        switch self {
        case .json:
            #"{"Document":{"Msg":["# + Array(repeating: Self.jsonEvent, count: count).joined(separator: ",") + "]}}"
        case .xml:
            "<Document>" + String(repeating: Self.xmlEvent, count: count) + "</Document>"
        }
    }

    /// The start of a document: `count` events, then the start of another one followed by
    /// garbage.
    func documentCutOff(afterEvents count: Int) -> String {
        switch self {
        case .json:
            #"{"Document":{"Msg":["# + Array(repeating: Self.jsonEvent, count: count).joined(separator: ",")
                + ",{garbage"
        case .xml:
            "<Document>" + String(repeating: Self.xmlEvent, count: count) + "<Msg <<<"
        }
    }

    /// A document with one event whose resource nests `depth` containers (arrays or elements).
    func document(nestingDepth depth: Int) -> String {
        switch self {
        case .json:
            let inner = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            return #"{"Document":{"Msg":{"topic":"t","operation":"U","R":{"v":"# + inner + "}}}}"
        case .xml:
            let open = String(repeating: "<a>", count: depth)
            let close = String(repeating: "</a>", count: depth)
            return #"<Document><Msg topic="t" operation="u"><R>"# + open + close + "</R></Msg></Document>"
        }
    }

    /// Whether a `.malformedDocument` message says where the problem is: at a byte offset, or
    /// (JSON only) by naming the key that is missing.
    func messageLocatesProblem(_ message: String) -> Bool {
        switch self {
        case .json: message.contains("byte") || message.contains("no \"")
        case .xml: message.contains("byte")
        }
    }

    /// Whether the format's reference parser (Foundation's) accepts `bytes`.
    func referenceParserAccepts(_ bytes: [UInt8]) -> Bool {
        switch self {
        case .json: isValidJSON(bytes)
        case .xml: isWellFormedXML(bytes)
        }
    }

    /// The documents whose every prefix the truncation test scans.
    func truncationSamples() throws -> [String] {
        switch self {
        case .json: try JSONDocumentScannerTests.truncationSamples()
        case .xml: XMLDocumentScannerTests.truncationSamples()
        }
    }

    /// The documents the mutation test mutates, and how.
    func mutationPlan() -> ScannerMutationPlan {
        switch self {
        case .json: JSONDocumentScannerTests.mutationPlan()
        case .xml: XMLDocumentScannerTests.mutationPlan()
        }
    }

    private static let jsonEvent = #"{"topic":"t","operation":"UPDATE","DataPoint":{"streamId":"s"}}"#
    private static let xmlEvent = #"<Msg topic="t" operation="update"><DataPoint/></Msg>"#
}

/// The input of the mutation test for one format.
struct ScannerMutationPlan {
    /// The valid documents to mutate, in order.
    var originals: [String]
    /// The seed of the random mutations.
    var seed: UInt64
    /// How many mutations of each document are scanned.
    var mutationsPerDocument: Int
    /// The bytes an insertion picks from: the format's syntax characters.
    var insertedBytes: [UInt8]
}

/// Scans `bytes`; a failure must be `.malformedDocument`, a success must be accepted by the
/// format's reference parser. Returns whether the scanner accepted the input.
@discardableResult
func expectRejectedOrValid(
    _ bytes: [UInt8],
    format: PayloadFormat,
    context: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
    do {
        _ = try DocumentDecoder.events(in: ByteBuffer(bytes: bytes), format: format)
        let refused = format == .json ? "invalid JSON" : "malformed XML"
        #expect(
            format.referenceParserAccepts(bytes),
            "accepted \(refused) (\(context)): \(String(decoding: bytes, as: UTF8.self))",
            sourceLocation: sourceLocation
        )
        return true
    } catch {
        #expect(error.code == .malformedDocument, "\(error)", sourceLocation: sourceLocation)
        return false
    }
}
