/// A monitor's read-only `monStatus`.
///
/// A value this library does not know is kept as ``unrecognized(_:)`` rather than dropped.
public enum MonitorStatus: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// An HTTP monitor the service is connecting to (`CONNECTING`).
    case connecting
    /// Connected and delivering (`ACTIVE`).
    case active
    /// Not connected (`INACTIVE`).
    case inactive
    /// Disconnected with auto-replay on: events are recorded for later (`SUSPENDED`).
    case suspended
    /// An HTTP monitor that could not connect for 24 hours: events are no longer recorded (`DISABLED`).
    case disabled
    /// A value the service sent that this library does not know, exactly as sent.
    case unrecognized(String)

    /// Reads the element's text; known values match case-insensitively.
    public init(rawValue: String) {
        switch rawValue.uppercased() {
        case "CONNECTING": self = .connecting
        case "ACTIVE": self = .active
        case "INACTIVE": self = .inactive
        case "SUSPENDED": self = .suspended
        case "DISABLED": self = .disabled
        default: self = .unrecognized(rawValue)
        }
    }

    /// The element's text.
    public var rawValue: String {
        switch self {
        case .connecting: "CONNECTING"
        case .active: "ACTIVE"
        case .inactive: "INACTIVE"
        case .suspended: "SUSPENDED"
        case .disabled: "DISABLED"
        case .unrecognized(let value): value
        }
    }

    /// The element's text, as ``rawValue``.
    public var description: String { self.rawValue }
}
