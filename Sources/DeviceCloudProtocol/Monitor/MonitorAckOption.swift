/// A TCP monitor's `monAckOption`: whether the client acknowledges each block.
///
/// A value this library does not know is kept as ``unrecognized(_:)`` rather than dropped.
public enum MonitorAckOption: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The client acknowledges each block; unacknowledged blocks are not delivered (`explicit`).
    case explicit
    /// A block counts as delivered once sent (`off`), the service's default.
    case off
    /// A value the service sent that this library does not know, exactly as sent.
    case unrecognized(String)

    /// Reads the element's text; known values match case-insensitively.
    public init(rawValue: String) {
        switch rawValue.lowercased() {
        case "explicit": self = .explicit
        case "off": self = .off
        default: self = .unrecognized(rawValue)
        }
    }

    /// The element's text.
    public var rawValue: String {
        switch self {
        case .explicit: "explicit"
        case .off: "off"
        case .unrecognized(let value): value
        }
    }

    /// The element's text, as ``rawValue``.
    public var description: String { self.rawValue }
}
