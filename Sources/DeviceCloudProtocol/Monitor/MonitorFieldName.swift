/// The name of a monitor element used in a condition, such as `monTransportType`.
///
/// Only plain identifiers (a letter or `_`, then letters, digits or `_`) are names, so a name
/// can never change the shape of the condition it appears in.
public struct MonitorFieldName: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The name as written in conditions.
    public let rawValue: String

    /// A name, or `nil` when `rawValue` is not a plain identifier.
    public init?(rawValue: String) {
        guard Self.isIdentifier(rawValue.utf8) else { return nil }
        self.rawValue = rawValue
    }

    init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    /// The element's text, as ``rawValue``.
    public var description: String { self.rawValue }

    static func isIdentifier(_ bytes: some Collection<UInt8>) -> Bool {
        guard let first = bytes.first, isIdentifierStart(first) else { return false }
        return bytes.allSatisfy(isIdentifierContinuation)
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    static func isIdentifierContinuation(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= 0x30 && byte <= 0x39)
    }
}
