/// A monitor's `monCompression`: how its blocks are compressed.
///
/// A value this library does not know is kept as ``unrecognized(_:)`` rather than dropped.
/// The service's `none` is ``uncompressed``: a case named `none` would be confused with
/// `Optional.none` wherever the value is optional (`record.compression == .none` would test for nil).
public enum MonitorCompression: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// No compression (`none`), the service's default.
    case uncompressed
    /// zlib (`zlib`).
    case zlib
    /// `gzip`, which the service treats as a synonym of zlib (the payload is a zlib stream).
    case gzip
    /// A value the service sent that this library does not know, exactly as sent.
    case unrecognized(String)

    /// Reads the element's text; known values match case-insensitively.
    public init(rawValue: String) {
        switch rawValue.lowercased() {
        case "none": self = .uncompressed
        case "zlib": self = .zlib
        case "gzip": self = .gzip
        default: self = .unrecognized(rawValue)
        }
    }

    /// The compression of a push payload.
    public init(_ compression: PayloadCompression) {
        switch compression {
        case .none: self = .uncompressed
        case .zlib: self = .zlib
        }
    }

    /// The element's text.
    public var rawValue: String {
        switch self {
        case .uncompressed: "none"
        case .zlib: "zlib"
        case .gzip: "gzip"
        case .unrecognized(let value): value
        }
    }

    /// How blocks travel on the wire (`gzip` means zlib), or `nil` for an unrecognized value.
    public var payloadCompression: PayloadCompression? {
        switch self {
        case .uncompressed: PayloadCompression.none
        case .zlib, .gzip: .zlib
        case .unrecognized: nil
        }
    }

    /// The element's text, as ``rawValue``.
    public var description: String { self.rawValue }
}
