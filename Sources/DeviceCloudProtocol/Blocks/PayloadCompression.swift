/// How a PublishMessage payload is compressed on the wire.
public enum PayloadCompression: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // One enum per header byte: the same shape as its sibling, other values.
    /// Uncompressed bytes.
    case none = 0
    /// A zlib (RFC 1950) stream; the service's `gzip` setting means this too.
    case zlib = 1

    public var description: String {
        switch self {
        case .none: "none"
        case .zlib: "zlib"
        }
    }
}
