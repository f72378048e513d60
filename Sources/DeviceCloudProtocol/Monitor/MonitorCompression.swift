/// A monitor's `monCompression`: how its blocks are compressed.
///
/// A value this library does not know is kept, exactly as sent, rather than dropped.
/// The service's `none` is ``uncompressed``: a case named `none` would be confused with
/// `Optional.none` wherever the value is optional (`record.compression == .none` would test for nil).
public struct MonitorCompression: OpenEnumeration {
    // The storage OpenEnumeration needs, alike in every field; the constants below are this field's own.
    /// The element's text, as the service sent it.
    public let rawValue: String

    /// Wraps `text` as it is (see ``init(rawValue:)``).
    public init(verbatim text: String) {
        self.rawValue = text
    }

    /// No compression (`none`), the service's default.
    public static let uncompressed = MonitorCompression(verbatim: "none")
    /// zlib (`zlib`).
    public static let zlib = MonitorCompression(verbatim: "zlib")
    /// `gzip`, which the service treats as a synonym of zlib (the payload is a zlib stream).
    public static let gzip = MonitorCompression(verbatim: "gzip")

    /// The values this library knows.
    public static let recognized: [MonitorCompression] = [.uncompressed, .zlib, .gzip]

    /// The compression of a push payload.
    public init(_ compression: PayloadCompression) {
        switch compression {
        case .none: self = .uncompressed
        case .zlib: self = .zlib
        }
    }

    /// How blocks travel on the wire (`gzip` means zlib), or `nil` for an unrecognized value.
    public var payloadCompression: PayloadCompression? {
        switch self {
        case .uncompressed: PayloadCompression.none
        case .zlib, .gzip: .zlib
        default: nil
        }
    }
}
