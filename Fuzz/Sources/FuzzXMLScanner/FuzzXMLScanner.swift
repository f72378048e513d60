// Fuzzes the XML document scanner through its public entry point,
// `DocumentDecoder.events(in:format: .xml)`.
//
// The input's bytes end exactly at the end of their allocation (see `ByteBuffer.tailPlaced`),
// so AddressSanitizer reports any read past them.
//
// Properties, beyond "does not crash":
// - raw input: when the scanner accepts a document, Foundation's XMLParser (libxml2) accepts it
//   too and finds the same `Msg` children of `<Document>`, with the same topic, operation
//   and resource element names (except for documents with an empty processing instruction,
//   on which XMLParser itself crashes);
// - built input: a valid document built from the input's bytes (text and attribute values
//   anywhere, comments, CDATA, other elements) is accepted, with exactly the events it was
//   built with.
import DeviceCloudProtocol
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import FuzzSupport
import NIOCore

let limits = try! PushLimits(maximumEventsPerBatch: 1000)  // Constant, valid limits.

/// The process's entry point, which SwiftPM names `FuzzXMLScanner_main`: libFuzzer's driver.
@_cdecl("FuzzXMLScanner_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    checkRaw(ByteBuffer.tailPlaced(bytes))
    checkBuilt(FuzzBytes(Array(bytes)))
    return 0
}

/// What the reference parser saw of one `Msg`: its attributes and its first child's name.
struct ReferenceMsg {
    var attributes: [String: String]
    var resourceType: String?
}

/// Collects the `Msg` children of the root element with XMLParser.
final class ReferenceCollector: NSObject, XMLParserDelegate {
    var depth = 0
    var msgs: [ReferenceMsg] = []
    var inMsg = false

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        self.depth += 1
        if self.depth == 2 && elementName == "Msg" {
            self.msgs.append(ReferenceMsg(attributes: attributes, resourceType: nil))
            self.inMsg = true
        } else if self.depth == 3 && self.inMsg && self.msgs[self.msgs.count - 1].resourceType == nil {
            self.msgs[self.msgs.count - 1].resourceType = elementName
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if self.depth == 2 { self.inMsg = false }
        self.depth -= 1
    }
}

/// The raw input as a document.
func checkRaw(_ document: ByteBuffer) {
    let events: [MonitorEvent]
    do {
        events = try DocumentDecoder.events(in: document, format: .xml, limits: limits)
    } catch {
        fuzzCheck(error.code == .malformedDocument || error.code == .tooManyEvents, "unexpected error code \(error.code)")
        return
    }
    guard !hasProcessingInstructionWithoutData(Array(document.readableBytesView)) else {
        // FoundationXML's XMLParser dereferences a null pointer on such a (well-formed)
        // instruction, e.g. `<?pi?>`: no reference parse for these inputs.
        return
    }
    let parser = XMLParser(data: Data(document.readableBytesView))
    let collector = ReferenceCollector()
    parser.delegate = collector
    guard parser.parse() else {
        let error = parser.parserError.map { "\($0)" } ?? "no error"
        fuzzCheck(false, "the scanner accepted what XMLParser refuses: \(error)")
        return
    }
    fuzzCheck(collector.msgs.count == events.count, "the scanner found \(events.count) events, XMLParser \(collector.msgs.count) Msg elements")
    for (event, msg) in zip(events, collector.msgs) {
        fuzzCheck(msg.attributes["topic"] == event.topic, "topic \(event.topic.debugDescription), XMLParser \(String(describing: msg.attributes["topic"]))")
        fuzzCheck(msg.attributes["operation"].map(MonitorEvent.Operation.init(rawValue:)) == event.operation, "operation \(event.operation), XMLParser \(String(describing: msg.attributes["operation"]))")
        fuzzCheck(msg.attributes["timestamp"] == event.timestamp, "timestamp \(String(describing: event.timestamp)), XMLParser \(String(describing: msg.attributes["timestamp"]))")
        fuzzCheck(msg.resourceType == event.resourceType, "resource \(event.resourceType), XMLParser \(String(describing: msg.resourceType))")
    }
}

/// Whether `bytes` may hold a processing instruction with nothing after its target
/// (`<?name?>` or `<?name  ?>`); anywhere, even inside a comment, to err on the safe side.
func hasProcessingInstructionWithoutData(_ bytes: [UInt8]) -> Bool {
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    var i = 0
    while i + 1 < bytes.count {
        defer { i += 1 }
        guard bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "?") else { continue }
        var k = i + 2
        while k < bytes.count, !isSpace(bytes[k]), bytes[k] != UInt8(ascii: "?") { k += 1 }
        while k < bytes.count, isSpace(bytes[k]) { k += 1 }
        if k + 1 < bytes.count, bytes[k] == UInt8(ascii: "?"), bytes[k + 1] == UInt8(ascii: ">") { return true }
    }
    return false
}

/// A valid document built from the input, and the events it must give.
func checkBuilt(_ input: FuzzBytes) {
    var input = input
    var text = input.below(2) == 0 ? "" : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    text += filler(&input) + "<Document>"
    var expected: [(topic: String, operation: String, timestamp: String?, group: String?, resourceType: String)] = []
    for _ in 0..<input.below(5) {
        text += filler(&input)
        if input.below(4) == 0 {
            text += "<Other a=\"\(escaped(input.string(maximumLength: 8)))\">\(escaped(input.string(maximumLength: 8)))</Other>"
            continue
        }
        let topic = cleaned(input.string(maximumLength: 24))
        let operation = cleaned(["INSERTION", "UPDATE", "DELETE", input.string(maximumLength: 8)][input.below(4)])
        let timestamp: String? = input.below(2) == 0 ? nil : cleaned(input.string(maximumLength: 30))
        let group: String? = input.below(3) == 0 ? cleaned(input.string(maximumLength: 8)) : nil
        let resourceType = name(&input)
        var attributes = [("topic", topic), ("operation", operation)]
        if let timestamp { attributes.append(("timestamp", timestamp)) }
        if let group { attributes.append(("group", group)) }
        if input.below(2) == 0 { attributes.reverse() }
        text += "<Msg" + attributes.map { " \($0.0)=\"\(escaped($0.1))\"" }.joined() + ">" + filler(&input)
        text += "<\(resourceType)>" + filler(&input) + escaped(input.string(maximumLength: 16)) + "</\(resourceType)>"
        text += filler(&input) + "</Msg>"
        expected.append((topic, operation, timestamp, group, resourceType))
    }
    text += "</Document>" + filler(&input)
    let document = ByteBuffer.tailPlaced(Array(text.utf8))
    let events: [MonitorEvent]
    do {
        events = try DocumentDecoder.events(in: document, format: .xml, limits: limits)
    } catch {
        fuzzCheck(false, "a valid built document was refused: \(error)\n\(text)")
        return
    }
    fuzzCheck(events.count == expected.count, "built \(expected.count) events, scanned \(events.count)")
    for (event, want) in zip(events, expected) {
        fuzzCheck(event.topic == want.topic, "topic \(event.topic.debugDescription) should be \(want.topic.debugDescription)")
        fuzzCheck(event.operation == MonitorEvent.Operation(rawValue: want.operation), "operation \(event.operation) should be \(want.operation)")
        fuzzCheck(event.timestamp == want.timestamp, "timestamp \(String(describing: event.timestamp)) should be \(String(describing: want.timestamp))")
        fuzzCheck(event.group == want.group, "group \(String(describing: event.group)) should be \(String(describing: want.group))")
        fuzzCheck(event.resourceType == want.resourceType, "resource type \(event.resourceType) should be \(want.resourceType)")
        // Compared as bytes: a combining mark after `>` would join it in one Character.
        let body = Array(event.body.readableBytesView)
        let open = Array("<\(want.resourceType)>".utf8)
        let close = Array("</\(want.resourceType)>".utf8)
        fuzzCheck(body.starts(with: open) && body.reversed().starts(with: close.reversed()), "body \(event.bodyString.debugDescription)")
    }
}

/// `text` without any `scalar`.
func withoutScalar(_ scalar: Unicode.Scalar, _ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != scalar }))
}

/// `text` with every character XML 1.0 cannot carry replaced by `?`.
func cleaned(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: scalar
        default: "?"
        }
    }))
}

/// `text` escaped for an attribute value or character data; white space other than the space
/// as character references, so that no normalisation changes it.
func escaped(_ text: String) -> String {
    var result = ""
    for scalar in cleaned(text).unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        case "\t": result += "&#9;"
        case "\n": result += "&#xA;"
        case "\r": result += "&#13;"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// An element name from the input: ASCII letters, digits and `_ - .`, or one non-ASCII letter.
func name(_ input: inout FuzzBytes) -> String {
    let first = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_éДλ")
    let rest = first + Array("0123456789-.·")
    var text = String(first[input.below(first.count)])
    for _ in 0..<input.below(10) { text.append(rest[input.below(rest.count)]) }
    return text
}

/// Something the scanner must skip: nothing, white space, a comment, a processing instruction
/// or (inside an element only, where the caller puts it) nothing else.
func filler(_ input: inout FuzzBytes) -> String {
    switch input.below(6) {
    case 0: return " \n\t"
    // Filtered by Unicode scalar, not by Character: a combining mark after `-` or `>` would
    // hide it from a Character comparison.
    case 1: return "<!--" + withoutScalar("-", cleaned(input.string(maximumLength: 8))) + "-->"
    case 2: return "<?pi " + withoutScalar(">", cleaned(input.string(maximumLength: 8))) + "?>"
    default: return ""
    }
}
