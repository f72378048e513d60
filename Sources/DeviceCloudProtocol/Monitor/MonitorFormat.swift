/// A monitor's `monFormatType`: the document format its events are delivered in.
///
/// A value this library does not know is kept, exactly as sent, rather than dropped.
public struct MonitorFormat: OpenEnumeration {
    // The storage OpenEnumeration needs, alike in every field; the constants below are this field's own.
    /// The element's text, as the service sent it.
    public let rawValue: String

    /// Wraps `text` as it is (see ``init(rawValue:)``).
    public init(verbatim text: String) {
        self.rawValue = text
    }

    /// XML documents (`xml`).
    public static let xml = MonitorFormat(verbatim: "xml")
    /// JSON documents (`json`).
    public static let json = MonitorFormat(verbatim: "json")

    /// The values this library knows.
    public static let recognized: [MonitorFormat] = [.xml, .json]

    /// The format of a push payload.
    public init(_ format: PayloadFormat) {
        switch format {
        case .xml: self = .xml
        case .json: self = .json
        }
    }

    /// The matching push payload format, or `nil` for an unrecognized value.
    public var payloadFormat: PayloadFormat? {
        switch self {
        case .xml: .xml
        case .json: .json
        default: nil
        }
    }
}
