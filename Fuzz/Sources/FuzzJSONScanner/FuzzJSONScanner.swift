// Fuzzes the JSON document scanner through its public entry point,
// `DocumentDecoder.events(in:format: .json)`.
//
// The input's bytes end exactly at the end of their allocation (see `ByteBuffer.tailPlaced`),
// so AddressSanitizer reports any read past them, including the scanner's unchecked 8-byte
// `loadUnaligned` reads and `&+` index arithmetic.
//
// Properties, beyond "does not crash":
// - raw input: when the scanner accepts a document, Foundation's JSONSerialization accepts it
//   too (the scanner validates strict JSON) and finds the same number of `Msg` entries; each
//   event's body is valid JSON and its resource type a key of its entry;
// - built input: a valid document built from the input's bytes (strings anywhere, as topics,
//   keys and values) is accepted, with exactly the events it was built with.
import DeviceCloudProtocol
import Foundation
import FuzzSupport
import NIOCore

let limits = try! PushLimits(maximumEventsPerBatch: 1000)  // Constant, valid limits.

/// The process's entry point, which SwiftPM names `FuzzJSONScanner_main`: libFuzzer's driver.
@_cdecl("FuzzJSONScanner_main")
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

/// The raw input as a document.
func checkRaw(_ document: ByteBuffer) {
    let events: [MonitorEvent]
    do {
        events = try DocumentDecoder.events(in: document, format: .json, limits: limits)
    } catch {
        fuzzCheck(error.code == .malformedDocument || error.code == .tooManyEvents, "unexpected error code \(error.code)")
        return
    }
    let data = Data(document.readableBytesView)
    let tree: Any
    do {
        tree = try JSONSerialization.jsonObject(with: data)
    } catch {
        fuzzCheck(foundationIsStricter(error), "the scanner accepted what JSONSerialization refuses: \(error)")
        return
    }
    let entries = msgEntries(tree)
    fuzzCheck(entries.count == events.count, "the scanner found \(events.count) events, JSONSerialization \(entries.count) entries")
    for (event, entry) in zip(events, entries) {
        fuzzCheck(entry[event.resourceType] != nil, "resource type \(event.resourceType) is not a key of its entry")
        let body = Data(event.body.readableBytesView)
        fuzzCheck((try? JSONSerialization.jsonObject(with: body, options: .fragmentsAllowed)) != nil, "an event body is not JSON")
    }
}

/// Whether JSONSerialization refused for a reason of its own, outside JSON's grammar: a number
/// it cannot represent.
func foundationIsStricter(_ error: any Error) -> Bool {
    let text = String(describing: error)
    return text.contains("Number") && text.contains("not representable")
}

/// The `Msg` entries of a parsed document: `Document.Msg` as an object or an array of them.
func msgEntries(_ tree: Any) -> [[String: Any]] {
    guard let top = tree as? [String: Any], let document = top["Document"] as? [String: Any] else { return [] }
    switch document["Msg"] {
    case let entry as [String: Any]: return [entry]
    case let entries as [Any]: return entries.compactMap { $0 as? [String: Any] }
    default: return []
    }
}

/// A valid document built from the input, and the events it must give.
func checkBuilt(_ input: FuzzBytes) {
    var input = input
    var entries: [[String: Any]] = []
    var expected: [(topic: String, operation: String, timestamp: String?, resourceType: String)] = []
    let count = input.below(5)
    for _ in 0..<count {
        let topic = input.string(maximumLength: 24)
        let operation = ["INSERTION", "UPDATE", "DELETE", input.string(maximumLength: 8)][input.below(4)]
        let timestamp: String? = input.below(2) == 0 ? nil : input.string(maximumLength: 30)
        var resourceType = input.string(maximumLength: 12)
        if ["topic", "operation", "timestamp", "group"].contains(resourceType) { resourceType += "_" }
        var resource: [String: Any] = [:]
        for _ in 0..<input.below(4) {
            resource[input.string(maximumLength: 10)] = value(&input, depth: 0)
        }
        var entry: [String: Any] = ["topic": topic, "operation": operation, resourceType: resource]
        if let timestamp { entry["timestamp"] = timestamp }
        entries.append(entry)
        expected.append((topic, operation, timestamp, resourceType))
    }
    let msg: Any = count == 1 && input.below(2) == 0 ? entries[0] : entries
    let tree: [String: Any] = ["Document": ["Msg": msg], input.string(maximumLength: 6) + "x": value(&input, depth: 0)]
    let data: Data
    do {
        data = try JSONSerialization.data(withJSONObject: tree, options: input.below(2) == 0 ? [] : [.prettyPrinted])
    } catch {
        fuzzCheck(false, "JSONSerialization could not write a built document: \(error)")
        return
    }
    let document = data.withUnsafeBytes { ByteBuffer.tailPlaced($0) }
    let events: [MonitorEvent]
    do {
        events = try DocumentDecoder.events(in: document, format: .json, limits: limits)
    } catch {
        fuzzCheck(false, "a valid built document was refused: \(error)\n\(String(decoding: data, as: UTF8.self))")
        return
    }
    fuzzCheck(events.count == expected.count, "built \(expected.count) events, scanned \(events.count)")
    for (event, want) in zip(events, expected) {
        fuzzCheck(event.topic == want.topic, "topic \(event.topic.debugDescription) should be \(want.topic.debugDescription)")
        // Operations are upper-cased by design (`MonitorEvent.Operation`).
        fuzzCheck(event.operation == MonitorEvent.Operation(rawValue: want.operation), "operation \(event.operation) should be \(want.operation)")
        fuzzCheck(event.timestamp == want.timestamp, "timestamp \(String(describing: event.timestamp)) should be \(String(describing: want.timestamp))")
        fuzzCheck(event.resourceType == want.resourceType, "resource type \(event.resourceType.debugDescription) should be \(want.resourceType.debugDescription)")
        fuzzCheck(event.group == nil, "a group that was never written")
    }
}

/// A JSON value from the input: strings, numbers, literals, arrays and objects.
func value(_ input: inout FuzzBytes, depth: Int) -> Any {
    switch input.below(depth < 3 ? 7 : 5) {
    case 0: return input.string(maximumLength: 16)
    case 1: return Int(Int8(bitPattern: input.byte())) * Int(input.byte())
    case 2: return Double(input.byte()) / 8
    case 3: return input.below(2) == 0
    case 4: return NSNull()
    case 5: return (0..<input.below(4)).map { _ in value(&input, depth: depth + 1) }
    default:
        var object: [String: Any] = [:]
        for _ in 0..<input.below(4) { object[input.string(maximumLength: 8)] = value(&input, depth: depth + 1) }
        return object
    }
}
