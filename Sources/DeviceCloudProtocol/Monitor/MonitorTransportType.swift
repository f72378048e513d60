/// A monitor's `monTransportType`: how the service delivers its events.
///
/// A value this library does not know (the service also has polling monitors) is kept as
/// ``unrecognized(_:)`` rather than dropped.
public enum MonitorTransportType: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The client connects to the push service over TCP or TLS (`tcp`).
    case tcp
    /// The service sends each block to a customer URL (`http`).
    case http
    /// A value this library does not drive, exactly as sent (e.g. `polling`).
    case unrecognized(String)

    /// Reads the element's text; known values match case-insensitively.
    public init(rawValue: String) {
        switch rawValue.lowercased() {
        case "tcp": self = .tcp
        case "http": self = .http
        default: self = .unrecognized(rawValue)
        }
    }

    /// The element's text.
    public var rawValue: String {
        switch self {
        case .tcp: "tcp"
        case .http: "http"
        case .unrecognized(let value): value
        }
    }

    /// The element's text, as ``rawValue``.
    public var description: String { self.rawValue }
}
