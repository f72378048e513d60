/// A monitor's `monFormatType`: the document format its events are delivered in.
///
/// A value this library does not know is kept as ``unrecognized(_:)`` rather than dropped.
public enum MonitorFormat: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// XML documents (`xml`).
    case xml
    /// JSON documents (`json`).
    case json
    /// A value the service sent that this library does not know, exactly as sent.
    case unrecognized(String)

    /// Reads the element's text; known values match case-insensitively.
    public init(rawValue: String) {
        switch rawValue.lowercased() {
        case "xml": self = .xml
        case "json": self = .json
        default: self = .unrecognized(rawValue)
        }
    }

    /// The format of a push payload.
    public init(_ format: PayloadFormat) {
        switch format {
        case .xml: self = .xml
        case .json: self = .json
        }
    }

    /// The element's text.
    public var rawValue: String {
        switch self {
        case .xml: "xml"
        case .json: "json"
        case .unrecognized(let value): value
        }
    }

    /// The matching push payload format, or `nil` for an unrecognized value.
    public var payloadFormat: PayloadFormat? {
        switch self {
        case .xml: .xml
        case .json: .json
        case .unrecognized: nil
        }
    }

    /// The element's text, as ``rawValue``.
    public var description: String { self.rawValue }
}
