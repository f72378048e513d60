import DeviceCloudProtocol
import Foundation
import NIOCore
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The XML document scanner, checked against the shared sample and Foundation's `XMLParser` on
/// generated documents. What it has in common with the JSON scanner (keep-alives, malformed
/// input, limits, truncated and mutated input) is tested for both in
/// `DocumentScannerSharedTests`, on inputs this file provides too.
struct XMLDocumentScannerTests {
    /// `push-two-messages.xml` from the protocol samples, byte for byte.
    static let twoMessagesSample = """
        <Document>
            <Msg topic="3/DeviceCore/882/7" operation="update" timestamp="2010-12-03T13:34:00.001Z">
                <DeviceCore>...</DeviceCore>
            </Msg>
            <Msg topic="3/XbeeCore/00:13:A2:00:40:01:60:45/1/0/1794/256" operation="update" timestamp="2010-12-03T13:34:00.001Z">
                <XbeeCore>...</XbeeCore>
            </Msg>
        </Document>

        """

    @Test func sampleWithTwoMessages() throws {
        let events = try DocumentDecoder.events(in: ByteBuffer(string: Self.twoMessagesSample), format: .xml)
        try #require(events.count == 2)
        #expect(events[0].topic == "3/DeviceCore/882/7")
        #expect(events[0].operation == .update)
        #expect(events[0].operation.rawValue == "UPDATE")
        #expect(events[0].timestamp == "2010-12-03T13:34:00.001Z")
        #expect(events[0].group == nil)
        #expect(events[0].resourceType == "DeviceCore")
        #expect(events[0].bodyString == "<DeviceCore>...</DeviceCore>")
        #expect(events[0].format == .xml)
        #expect(events[1].topic == "3/XbeeCore/00:13:A2:00:40:01:60:45/1/0/1794/256")
        #expect(events[1].resourceType == "XbeeCore")
        #expect(events[1].bodyString == "<XbeeCore>...</XbeeCore>")
    }

    @Test func attributesQuotesEntitiesAndBodies() throws {
        let text = """
            <?xml version="1.0" encoding="utf-8"?>
            <Document>
              <Msg group='g&amp;&lt;&gt;&quot;&apos;' extra="x" operation = 'DELETE' topic="a&#47;b&#x2F;c &#x1F600; é"
                   timestamp="t&#9;1">
                <!-- before -->
                <DataPoint id="1"><data>&lt;21.5&gt;</data><![CDATA[<raw> & ]]]]><empty/><n><m>deep</m></n></DataPoint>
                <Ignored>second child</Ignored>
              </Msg>
              <Msg operation="insertion" topic="line&#10;break
            tab\there"><FileData/></Msg>
            </Document>
            """
        let events = try DocumentDecoder.events(in: ByteBuffer(string: text), format: .xml)
        try #require(events.count == 2)
        #expect(events[0].topic == "a/b/c \u{1F600} é")
        #expect(events[0].operation == .delete)
        #expect(events[0].group == "g&<>\"'")
        #expect(events[0].timestamp == "t\t1")
        #expect(events[0].resourceType == "DataPoint")
        #expect(
            events[0].bodyString
                == #"<DataPoint id="1"><data>&lt;21.5&gt;</data><![CDATA[<raw> & ]]]]><empty/><n><m>deep</m></n></DataPoint>"#
        )
        // Literal line breaks and tabs in attribute values become spaces; references do not.
        #expect(events[1].topic == "line\nbreak tab here")
        #expect(events[1].operation == .insertion)
        #expect(events[1].timestamp == nil)
        #expect(events[1].resourceType == "FileData")
        #expect(events[1].bodyString == "<FileData/>")
    }

    @Test func manyAttributesAreCheckedForDuplicatesInLinearTime() throws {
        let attributes = (0..<20_000).map { " a\($0)=\"\($0)\"" }.joined()
        let valid = #"<Document><Msg topic="t" operation="u"><R"# + attributes + "/></Msg></Document>"
        let events = try DocumentDecoder.events(in: ByteBuffer(string: valid), format: .xml)
        #expect(events.count == 1)
        let repeated = #"<Document><Msg topic="t" operation="u"><R"# + attributes + #" a19999="x"/></Msg></Document>"#
        let error = #expect(throws: DeviceCloudProtocolError.self) {
            try DocumentDecoder.events(in: ByteBuffer(string: repeated), format: .xml)
        }
        #expect(error?.message.contains("duplicate attribute a19999") == true)
    }

    /// U+FFFF (valid UTF-8, but not an XML character) in an attribute value and in character
    /// data. (Invalid UTF-8 is tested for both formats in `DocumentScannerSharedTests`.)
    @Test(arguments: ScannerDocumentWithHole.invalidUTF8Holes.filter { $0.format == .xml })
    func nonCharacterIsRejected(_ document: ScannerDocumentWithHole) {
        let error = #expect(throws: DeviceCloudProtocolError.self) {
            try DocumentDecoder.events(in: document.filled(with: [0xEF, 0xBF, 0xBF]), format: .xml)
        }
        #expect(error?.code == .malformedDocument)
    }

    @Test func generatedDocumentsMatchXMLParser() throws {
        var generator = XMLDocumentGenerator(seed: 31)
        var eventsSeen = 0
        for _ in 0..<300 {
            let document = generator.document()
            let events = try DocumentDecoder.events(in: ByteBuffer(string: document.text), format: .xml)
            let root = try #require(XMLTree.parse(Data(document.text.utf8)), "XMLParser rejected \(document.text)")
            #expect(root.name == "Document")
            let messages = root.children.filter { $0.name == "Msg" }
            try #require(events.count == messages.count)
            try #require(events.count == document.entries.count)
            for (index, event) in events.enumerated() {
                let msg = messages[index]
                let expected = document.entries[index]
                #expect(event.topic == msg.attributes["topic"])
                #expect(event.operation.rawValue == msg.attributes["operation"]?.uppercased())
                #expect(event.timestamp == msg.attributes["timestamp"])
                #expect(event.group == msg.attributes["group"])
                let resource = try #require(msg.children.first)
                #expect(event.resourceType == resource.name)
                #expect(event.resourceType == expected.resourceName)
                #expect(event.bodyString == expected.resourceText)
                let reparsed = try #require(XMLTree.parse(Data(event.body.readableBytesView)), "\(event.bodyString)")
                #expect(reparsed == resource, "\(event.bodyString)")
                eventsSeen += 1
            }
        }
        #expect(eventsSeen > 500)
    }
}

// MARK: - Inputs of the shared tests

extension XMLDocumentScannerTests {
    /// The documents whose every prefix `DocumentScannerSharedTests` scans: the sample and
    /// generated documents.
    static func truncationSamples() -> [String] {
        var generator = XMLDocumentGenerator(seed: 5, processingInstructions: false)
        return [Self.twoMessagesSample] + (0..<6).map { _ in generator.document().text }
    }

    /// The generated documents `DocumentScannerSharedTests` mutates, and how.
    static func mutationPlan() -> ScannerMutationPlan {
        var generator = XMLDocumentGenerator(seed: 1717, processingInstructions: false)
        return ScannerMutationPlan(
            originals: (0..<200).map { _ in generator.document().text },
            seed: 333,
            mutationsPerDocument: 50,
            insertedBytes: Array(#"<>/"'=&;!?-[] x"#.utf8)
        )
    }
}

// MARK: - Helpers

/// Whether `XMLParser` finds `bytes` well formed, judged by XML 1.0 alone. `XMLParser` also
/// applies Namespaces in XML (a name prefix such as `a:` must be declared), which the scanner
/// does not: a colon is an ordinary name character to it. Colons (meaningful only in names
/// there, harmless in values and text) are therefore replaced before asking again.
func isWellFormedXML(_ bytes: [UInt8]) -> Bool {
    if XMLTree.parse(Data(bytes)) != nil {
        return true
    }
    guard bytes.contains(0x3A) else { return false }
    return XMLTree.parse(Data(bytes.map { $0 == 0x3A ? 0x5F : $0 })) != nil
}

/// An element tree as Foundation's `XMLParser` reports it.
private struct XMLTree: Equatable {
    var name: String
    var attributes: [String: String]
    var children: [XMLTree] = []
    var text = ""

    /// Parses `data`, or returns `nil` when `XMLParser` reports an error.
    static func parse(_ data: Data) -> XMLTree? {
        let parser = XMLParser(data: data)
        let builder = Builder()
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), !builder.failed else { return nil }
        return builder.root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?
        var failed = false

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName qName: String?,
            attributes attributeDict: [String: String] = [:]
        ) {
            self.stack.append(XMLTree(name: elementName, attributes: attributeDict))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !self.stack.isEmpty else { return }
            self.stack[self.stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !self.stack.isEmpty else { return }
            self.stack[self.stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
        ) {
            guard let done = self.stack.popLast() else {
                self.failed = true
                return
            }
            if self.stack.isEmpty {
                self.root = done
            } else {
                self.stack[self.stack.count - 1].children.append(done)
            }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            self.failed = true
        }
    }
}

/// Generates push documents with random attribute order and quoting, references, Unicode,
/// comments, CDATA, processing instructions, self-closing and nested elements.
private struct XMLDocumentGenerator {
    struct Entry {
        var resourceName: String
        /// The exact text of the resource element in the document.
        var resourceText: String
    }

    struct Document {
        var text: String
        var entries: [Entry]
    }

    var rng: ScannerTestRandom
    /// Whether to emit processing instructions. Foundation's `XMLParser` on Linux crashes on a
    /// processing instruction without data (`<?pi?>`), which a mutation can produce, so the
    /// mutation tests leave them out.
    var processingInstructions: Bool

    init(seed: UInt64, processingInstructions: Bool = true) {
        self.rng = ScannerTestRandom(seed: seed)
        self.processingInstructions = processingInstructions
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self.rng) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &self.rng)] }

    mutating func ws() -> String {
        guard self.chance(40) else { return "" }
        return (0..<Int.random(in: 1...3, using: &self.rng)).map { _ in self.pick([" ", "\t", "\n", "\r\n", "  "]) }
            .joined()
    }

    /// Raw pieces of character data and their escaped forms.
    mutating func escaped(_ text: String, inAttributeQuotedBy quote: Character?) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += self.pick(["&amp;", "&#38;", "&#x26;"])
            case "<": out += self.pick(["&lt;", "&#60;"])
            case ">": out += self.pick(["&gt;", ">"])
            case "\"" where quote == "\"": out += self.pick(["&quot;", "&#34;"])
            case "'" where quote == "'": out += self.pick(["&apos;", "&#39;"])
            default:
                if scalar.value > 0x7F && self.chance(25) {
                    out +=
                        self.chance(50)
                        ? "&#\(scalar.value);" : "&#x\(String(scalar.value, radix: 16, uppercase: self.chance(50)));"
                } else if (scalar == "\t" || scalar == "\n") && quote != nil && self.chance(50) {
                    out += "&#\(scalar.value);"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    mutating func text() -> String {
        let pieces = [
            "abc", "21.5", " ", "&", "<", ">", "\"", "'", "é", "€", "😀", "𝄞", "中文", "\t", "\n", "]]", "]", "-", "/",
        ]
        var result = (0..<Int.random(in: 0...5, using: &self.rng)).map { _ in self.pick(pieces) }.joined()
        // "]]>" may not appear literally in character data.
        result = result.replacingOccurrences(of: "]>", with: "] >")
        return result
    }

    mutating func attributes(count: Int) -> String {
        let names = ["id", "type", "x", "a-b", "_c", "d.e", "ünï"].shuffled(using: &self.rng)
        return (0..<min(count, names.count)).map { index in
            let quote: Character = self.chance(50) ? "\"" : "'"
            return " " + names[index] + self.ws() + "=" + self.ws() + String(quote)
                + self.escaped(self.text(), inAttributeQuotedBy: quote) + String(quote)
        }.joined() + self.ws()
    }

    mutating func element(named name: String, depth: Int) -> String {
        let start = "<" + name + self.attributes(count: Int.random(in: 0...2, using: &self.rng))
        if self.chance(15) {
            return start + "/>"
        }
        var content = ""
        for _ in 0..<Int.random(in: 0...4, using: &self.rng) {
            switch Int.random(in: 0..<10, using: &self.rng) {
            case 0...3: content += self.escaped(self.text(), inAttributeQuotedBy: nil)
            case 4...6 where depth < 4:
                content += self.element(
                    named: self.pick(["streamId", "data", "id", "devId", "Ünï", "a-b.c", "_u"]), depth: depth + 1)
            case 7: content += "<![CDATA[" + self.text().replacingOccurrences(of: "]]", with: "] ]") + "]]>"
            case 8: content += "<!--" + self.text().replacingOccurrences(of: "-", with: "=") + "-->"
            default:
                if self.processingInstructions {
                    content += "<?pi data " + self.text().replacingOccurrences(of: "?", with: ".") + "?>"
                }
            }
        }
        return start + ">" + content + "</" + name + self.ws() + ">"
    }

    mutating func msg() -> (text: String, entry: Entry) {
        var attributes: [String] = []
        func attribute(_ name: String, _ value: String, _ generator: inout XMLDocumentGenerator) -> String {
            let quote: Character = generator.chance(50) ? "\"" : "'"
            return name + generator.ws() + "=" + generator.ws() + String(quote)
                + generator.escaped(value, inAttributeQuotedBy: quote) + String(quote)
        }
        let topic =
            "\(Int.random(in: 1...9999, using: &self.rng))/" + self.pick(["DataPoint", "DeviceCore"]) + "/"
            + self.text()
        attributes.append(attribute("topic", topic, &self))
        let operation = self.pick(["update", "INSERTION", "Delete", "replace", "ünï", "a b"])
        attributes.append(attribute("operation", operation, &self))
        if self.chance(80) { attributes.append(attribute("timestamp", "2010-12-03T13:34:00.001Z", &self)) }
        if self.chance(50) { attributes.append(attribute("group", self.pick(["*", "g&1", "é😀"]), &self)) }
        if self.chance(30) { attributes.append(attribute("extra", self.text(), &self)) }
        attributes.shuffle(using: &self.rng)
        let start = "<Msg" + attributes.map { " " + self.ws() + $0 }.joined() + self.ws() + ">"
        let resourceName = self.pick(["DataPoint", "DeviceCore", "FileData", "XbeeCore", "Résource"])
        let resource = self.element(named: resourceName, depth: 1)
        var content = self.ws()
        if self.chance(30) {
            content += "<!-- " + self.text().replacingOccurrences(of: "-", with: "=") + " -->" + self.ws()
        }
        content += resource + self.ws()
        if self.chance(20) { content += self.element(named: "Second", depth: 3) + self.ws() }
        return (start + content + "</Msg>", Entry(resourceName: resourceName, resourceText: resource))
    }

    mutating func document() -> Document {
        var text = ""
        if self.processingInstructions && self.chance(50) {
            text += self.pick([
                #"<?xml version="1.0" encoding="UTF-8"?>"#, "<?xml version='1.0'?>",
                #"<?xml version="1.0" standalone="no" ?>"#,
            ])
        }
        text += self.ws()
        if self.chance(30) { text += "<!-- prolog -->" + self.ws() }
        text += "<Document" + (self.chance(20) ? #" version="2""# : "") + ">"
        var entries: [Entry] = []
        for _ in 0..<Int.random(in: 1...5, using: &self.rng) {
            text += self.ws()
            if self.chance(15) { text += #"<Other kind="x"><Msg>nested, not an event</Msg></Other>"# + self.ws() }
            let (msgText, entry) = self.msg()
            text += msgText
            entries.append(entry)
        }
        text += self.ws() + "</Document>" + self.ws()
        if self.chance(20) { text += "<!-- epilog -->" + self.ws() }
        return Document(text: text, entries: entries)
    }
}
