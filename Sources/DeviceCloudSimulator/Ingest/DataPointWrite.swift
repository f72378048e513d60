import DeviceCloudProtocol
public import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses DataPoint writes as the service accepts them: `POST /ws/DataPoint` with
/// `<list><DataPoint>…</DataPoint>…</list>` (or one `<DataPoint>`), and the JSON equivalents
/// (`{"list":[{…}]}`, `[{…}]`, `{…}`, or `{"DataPoint": …}` forms).
public struct DataPointWrite: Sendable, Hashable {
    /// The stream the point belongs to.
    public var streamId: String
    /// The value as sent (text).
    public var data: String
    /// Optional fields, as sent.
    public var description: String?
    /// Client timestamp: ISO-8601 text or epoch milliseconds.
    public var timestamp: String?
    /// Quality code.
    public var quality: String?
    /// Location, as sent (`lat,long,elevation`).
    public var location: String?
    /// The stream's value type, e.g. `DOUBLE`.
    public var streamType: String?
    /// The stream's units, e.g. `C`.
    public var streamUnits: String?

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates a write.
    public init(
        streamId: String,
        data: String,
        description: String? = nil,
        timestamp: String? = nil,
        quality: String? = nil,
        location: String? = nil,
        streamType: String? = nil,
        streamUnits: String? = nil
    ) {
        self.streamId = streamId
        self.data = data
        self.description = description
        self.timestamp = timestamp
        self.quality = quality
        self.location = location
        self.streamType = streamType
        self.streamUnits = streamUnits
    }

    /// Why a write body was refused.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        /// What is wrong with the body.
        public let description: String
    }

    static let fields = ["streamId", "data", "description", "timestamp", "quality", "location", "streamType", "streamUnits"]

    /// Parses a request body. `defaultStream` comes from `POST /ws/DataPoint/{streamId}`.
    public static func parse(_ body: Data, contentType: String?, defaultStream: String?) throws(Invalid) -> [DataPointWrite] {
        let isJSON = contentType?.lowercased().contains("json") ?? false
            || body.first(where: { !$0.isASCIIWhitespace }).map { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") } ?? false
        let records = isJSON ? try self.parseJSON(body) : try self.parseXML(body)
        guard !records.isEmpty else { throw Invalid(description: "no DataPoint in the body") }
        return try records.map { fields throws(Invalid) in
            guard let stream = fields["streamId"] ?? defaultStream, !stream.isEmpty else {
                throw Invalid(description: "a DataPoint has no streamId")
            }
            guard let data = fields["data"] else { throw Invalid(description: "a DataPoint has no data") }
            return DataPointWrite(
                streamId: stream, data: data, description: fields["description"], timestamp: fields["timestamp"],
                quality: fields["quality"], location: fields["location"], streamType: fields["streamType"],
                streamUnits: fields["streamUnits"])
        }
    }

    private static func parseJSON(_ body: Data) throws(Invalid) -> [[String: String]] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            throw Invalid(description: "the JSON body is not valid JSON")
        }
        var objects: [[String: Any]]
        switch root {
        case let array as [[String: Any]]:
            objects = array
        case let object as [String: Any]:
            if let list = object["list"] ?? object["items"] {
                objects = (list as? [[String: Any]]) ?? ((list as? [String: Any]).map { [$0] } ?? [])
            } else if let single = object["DataPoint"] {
                objects = (single as? [[String: Any]]) ?? ((single as? [String: Any]).map { [$0] } ?? [])
            } else {
                objects = [object]
            }
        default:
            throw Invalid(description: "the JSON body is neither an object nor an array")
        }
        objects = objects.map { ($0["DataPoint"] as? [String: Any]) ?? $0 }
        return objects.map { object in
            var fields: [String: String] = [:]
            for name in self.fields {
                guard let value = object[name], !(value is NSNull) else { continue }
                if let text = value as? String {
                    fields[name] = text
                } else if let location = value as? [String: Any] {
                    fields[name] = ["latitude", "longitude", "elevation"].compactMap { (location[$0] as? NSNumber)?.stringValue }
                        .joined(separator: ",")
                } else {
                    fields[name] = "\(value)"
                }
            }
            return fields
        }
    }

    private static func parseXML(_ body: Data) throws(Invalid) -> [[String: String]] {
        let collector = DataPointXMLCollector()
        let parser = XMLParser(data: body)
        parser.delegate = collector
        guard parser.parse(), collector.isWellFormed else {
            throw Invalid(description: "the XML body is not a DataPoint list")
        }
        return collector.records
    }
}

/// Collects `<DataPoint>` children from an XML write.
private final class DataPointXMLCollector: NSObject, XMLParserDelegate {
    var records: [[String: String]] = []
    var isWellFormed = true
    private var current: [String: String]?
    private var field: String?
    private var text = ""
    private var depth = 0

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        self.depth += 1
        if name == "DataPoint" {
            self.current = [:]
        } else if self.current != nil {
            self.field = name
            self.text = ""
        } else if !(name == "list" && self.depth == 1) {
            self.isWellFormed = false
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if self.field != nil { self.text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        self.depth -= 1
        if name == "DataPoint", let record = self.current {
            self.records.append(record)
            self.current = nil
        } else if let field = self.field, field == name {
            self.current?[field] = self.text.trimmingCharacters(in: .whitespacesAndNewlines)
            self.field = nil
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        self.isWellFormed = false
    }
}

extension UInt8 {
    fileprivate var isASCIIWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
