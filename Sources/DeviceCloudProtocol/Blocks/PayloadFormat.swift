/// The document format of a PublishMessage payload.
public enum PayloadFormat: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // One enum per header byte: the same shape as its sibling, other values.
    /// An XML `<Document>`.
    case xml = 0
    /// A JSON `{"Document": …}`.
    case json = 1

    public var description: String {
        switch self {
        case .xml: "xml"
        case .json: "json"
        }
    }
}
