/// An HTTP monitor's `monTransportMethod`: how the service sends each block to the customer URL.
///
/// A value this library does not know is kept as ``unrecognized(_:)`` rather than dropped.
public enum MonitorHTTPMethod: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// `PUT`, the service's default.
    case put
    /// `POST`.
    case post
    /// A value the service sent that this library does not know, exactly as sent.
    case unrecognized(String)

    /// Reads the element's text; known values match case-insensitively.
    public init(rawValue: String) {
        switch rawValue.uppercased() {
        case "PUT": self = .put
        case "POST": self = .post
        default: self = .unrecognized(rawValue)
        }
    }

    /// The element's text.
    public var rawValue: String {
        switch self {
        case .put: "PUT"
        case .post: "POST"
        case .unrecognized(let value): value
        }
    }

    /// The element's text, as ``rawValue``.
    public var description: String { self.rawValue }
}
